package contact

import (
	"context"
	"errors"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// UpsertCustomerByCode creates the customer with c.Code or, when one exists,
// replaces its editable fields with c's; admins only (host CRM sync). It
// reports whether the customer was created. Two concurrent creations of one
// code end in model.ErrConflict for the second.
func (s *Service) UpsertCustomerByCode(ctx context.Context, p permission.Policy, c *model.Customer) (bool, error) {
	if !p.Admin {
		return false, model.ErrForbidden
	}
	if err := ValidateCustomer(c); err != nil {
		return false, err
	}
	if c.Code == "" {
		return false, model.NewFieldError("code", "required", "code is required")
	}
	old, err := s.store.CustomerByCode(ctx, c.Code)
	if errors.Is(err, model.ErrNotFound) {
		return true, s.CreateCustomer(ctx, p, c)
	}
	if err != nil {
		return false, err
	}
	c.ID = old.ID
	return false, s.UpdateCustomer(ctx, p, c)
}
