package contact

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// ListCustomersOrdered returns a page of the customers the user may see in
// the chosen order (see storage.CustomerSortKeys), and the total matching.
func (s *Service) ListCustomersOrdered(ctx context.Context, p permission.Policy, f storage.CustomerFilter, sort string, desc bool) ([]*model.Customer, int, error) {
	return s.store.ListCustomersOrdered(ctx, p, f, sort, desc)
}

// CustomerLevels returns the customer levels in use, for filters.
func (s *Service) CustomerLevels(ctx context.Context) ([]string, error) {
	return s.store.CustomerLevels(ctx)
}
