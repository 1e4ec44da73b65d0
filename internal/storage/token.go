package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

const tokenColumns = `id, user_id, name, scope, created_at, expires_at, last_used_at, last_used_ip`

func scanToken(row interface{ Scan(...any) error }) (*model.APIToken, error) {
	var t model.APIToken
	var expires, last sql.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Scope, &t.CreatedAt, &expires, &last, &t.LastUsedIP); err != nil {
		return nil, err
	}
	if expires.Valid {
		t.ExpiresAt = &expires.Time
	}
	if last.Valid {
		t.LastUsedAt = &last.Time
	}
	t.Expired = t.ExpiredAt(time.Now())
	return &t, nil
}

// CreateAPIToken stores a token under the hash of its secret.
func (s *Store) CreateAPIToken(ctx context.Context, tokenHash string, t *model.APIToken) error {
	t.CreatedAt = now()
	var expires sql.NullTime
	if t.ExpiresAt != nil {
		at := dbTime(*t.ExpiresAt)
		t.ExpiresAt, expires = &at, sql.NullTime{Time: at, Valid: true}
	}
	err := s.w.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, scope, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.UserID, t.Name, t.Scope, tokenHash, t.CreatedAt, expires).Scan(&t.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("user_id", "not_found", "user does not exist")
		}
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// APITokenByHash returns the token stored under a secret's hash and its
// owner, who must be active. An expired token is returned as well: the
// caller tells it apart.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash string) (*model.APIToken, *model.User, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return nil, nil, notFound(err)
	}
	u, err := s.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !u.Active {
		return nil, nil, model.ErrNotFound
	}
	return t, u, nil
}

// TouchAPIToken records a use of a token: when, and from which address.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time, ip string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1, last_used_ip = $2 WHERE id = $3`,
		dbTime(at), ip, id); err != nil {
		return fmt.Errorf("store: touch token: %w", err)
	}
	return nil
}

// ListAPITokens returns a user's tokens (never their secrets), oldest
// first.
func (s *Store) ListAPITokens(ctx context.Context, userID int64) ([]*model.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer rows.Close()
	var out []*model.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list tokens: %w", err)
		}
		out = append(out, t)
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

// DeleteExpiredAPITokens removes the tokens that expired before t (they
// stay listed, marked expired, until then).
func (s *Store) DeleteExpiredAPITokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM api_tokens WHERE expires_at < $1`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: sweep tokens: %w", err)
	}
	return res.RowsAffected()
}
