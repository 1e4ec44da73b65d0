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

// Started returns the user's own bulk sends that have begun sending, the
// most recently started first, at most limit: what the home page lists
// among the user's recent contacts, one line per send.
func (s *Service) Started(ctx context.Context, userID int64, limit int) ([]*model.BulkSend, error) {
	return s.store.StartedBulkSends(ctx, userID, limit)
}
