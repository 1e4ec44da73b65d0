package bulk

import (
	"context"

	"touchbase/internal/model"
)

// Live returns the user's own bulk sends that are scheduled or running,
// newest first, at most limit.
func (s *Service) Live(ctx context.Context, userID int64, limit int) ([]*model.BulkSend, error) {
	return s.store.LiveBulkSends(ctx, userID, limit)
}
