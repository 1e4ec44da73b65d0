package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
)

// CreateAPIToken stores a token under the hash of its secret.
func (s *Store) CreateAPIToken(ctx context.Context, tokenHash string, t *model.APIToken) error {
	t.CreatedAt = now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, t.UserID, t.Name, tokenHash, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("user_id", "not_found", "user does not exist")
		}
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// UserByTokenHash returns the active user owning a token and marks the
// token used.
func (s *Store) UserByTokenHash(ctx context.Context, tokenHash string) (*model.User, error) {
	var tokenID int64
	var last sql.NullTime
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND u.active = TRUE`, tokenHash))
	if err != nil {
		return nil, notFound(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT id, last_used_at FROM api_tokens WHERE token_hash = $1`, tokenHash).
		Scan(&tokenID, &last); err != nil {
		return nil, notFound(err)
	}
	// Record use at most once a minute to keep API calls read-only in the common case.
	t := now()
	if !last.Valid || t.Sub(last.Time) > 60e9 {
		if _, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, t, tokenID); err != nil {
			return nil, fmt.Errorf("store: touch token: %w", err)
		}
	}
	return u, s.loadManagedTeams(ctx, u)
}

// ListAPITokens returns a user's tokens (never their secrets).
func (s *Store) ListAPITokens(ctx context.Context, userID int64) ([]*model.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, name, created_at, last_used_at FROM api_tokens
		WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer rows.Close()
	var out []*model.APIToken
	for rows.Next() {
		var t model.APIToken
		var last sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &last); err != nil {
			return nil, err
		}
		if last.Valid {
			t.LastUsedAt = &last.Time
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// DeleteAPIToken revokes one of a user's tokens.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("store: delete token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}
