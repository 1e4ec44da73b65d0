package admin

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Topic returns one topic.
func (s *Service) Topic(ctx context.Context, id int64) (*model.Topic, error) {
	return s.store.TopicByID(ctx, id)
}

// AdminSetPassword sets any user's password without knowing the old one;
// admins only (the API's password endpoint).
func (s *Service) AdminSetPassword(ctx context.Context, p permission.Policy, userID int64, password string) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	return s.ResetPassword(ctx, userID, password)
}
