package auth

import (
	"context"

	"touchbase/internal/model"
)

// APITokens lists a user's API tokens (never their secrets).
func (s *Service) APITokens(ctx context.Context, userID int64) ([]*model.APIToken, error) {
	return s.store.ListAPITokens(ctx, userID)
}

// RevokeAPIToken deletes one of a user's tokens; another user's token is
// model.ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	return s.store.DeleteAPIToken(ctx, userID, tokenID)
}
