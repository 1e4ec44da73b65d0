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
	_, err := s.ResetPassword(ctx, userID, password)
	return err
}

// SignOutUser ends every session of a user and, with tokens, revokes
// their API tokens; admins only ("sign out everywhere" on their behalf).
func (s *Service) SignOutUser(ctx context.Context, p permission.Policy, userID int64, tokens bool) (model.SignOut, error) {
	if err := requireAdmin(p); err != nil {
		return model.SignOut{}, err
	}
	if _, err := s.store.UserByID(ctx, userID); err != nil {
		return model.SignOut{}, err
	}
	return s.store.SignOutUser(ctx, userID, tokens)
}

// UserTokens lists a user's API tokens; admins only.
func (s *Service) UserTokens(ctx context.Context, p permission.Policy, userID int64) ([]*model.APIToken, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	if _, err := s.store.UserByID(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.ListAPITokens(ctx, userID)
}
