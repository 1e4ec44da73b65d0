package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
)

// SignOutUser ends every session of a user and, with tokens, revokes
// every API token of theirs, in one transaction.
func (s *Store) SignOutUser(ctx context.Context, userID int64, tokens bool) (model.SignOut, error) {
	var out model.SignOut
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = signOut(ctx, tx, userID, tokens)
		return err
	})
	return out, err
}

// signOut deletes a user's sessions and, with tokens, their API tokens.
func signOut(ctx context.Context, tx *sql.Tx, userID int64, tokens bool) (model.SignOut, error) {
	var out model.SignOut
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return out, fmt.Errorf("store: end sessions: %w", err)
	}
	out.Sessions, _ = res.RowsAffected()
	if !tokens {
		return out, nil
	}
	if res, err = tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, userID); err != nil {
		return out, fmt.Errorf("store: revoke tokens: %w", err)
	}
	out.Tokens, _ = res.RowsAffected()
	return out, nil
}
