package bulk

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// ListWithTopics is List with each send's topics filled in, as Get has
// them.
func (s *Service) ListWithTopics(ctx context.Context, p permission.Policy, beforeID int64, limit int) ([]*model.BulkSend, error) {
	items, err := s.List(ctx, p, beforeID, limit)
	if err != nil {
		return nil, err
	}
	return items, s.store.FillBulkSendTopics(ctx, items)
}
