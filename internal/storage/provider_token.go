package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ProviderToken is a provider's access token as stored: Token is opaque
// here (the caller seals it).
type ProviderToken struct {
	Key       string
	Token     string
	ExpiresAt time.Time
	FetchedAt time.Time
}

// ProviderToken returns the stored token of key; a zero ProviderToken (no
// token, expired long ago) when there is none.
func (s *Store) ProviderToken(ctx context.Context, key string) (ProviderToken, error) {
	t := ProviderToken{Key: key}
	err := s.r.QueryRowContext(ctx, `SELECT token, expires_at, fetched_at FROM provider_tokens WHERE key = $1`, key).
		Scan(&t.Token, &t.ExpiresAt, &t.FetchedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("store: provider token: %w", err)
	}
	return t, nil
}

// RefreshProviderToken runs refresh on key's stored token while holding
// key's lock, and stores the token refresh returns. Every process takes
// the same lock (a row lock on PostgreSQL; on SQLite, which one process
// serves, a lock of this store), so callers that find the token expired
// together wait for the first one's refresh and see its token: refresh
// should return cur unchanged when it is still good. The lock is held
// while refresh runs, so refresh must be bounded in time.
func (s *Store) RefreshProviderToken(ctx context.Context, key string,
	refresh func(cur ProviderToken) (ProviderToken, error)) (ProviderToken, error) {
	if s.dialect == SQLite {
		s.tokenMu.Lock()
		defer s.tokenMu.Unlock()
		cur, err := s.ProviderToken(ctx, key)
		if err != nil {
			return cur, err
		}
		next, err := refresh(cur)
		if err != nil || next == cur {
			return next, err
		}
		return next, s.saveProviderToken(ctx, s.w, key, next)
	}
	var next ProviderToken
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		epoch := time.Unix(0, 0).UTC()
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_tokens (key, expires_at, fetched_at) VALUES ($1, $2, $2)
			ON CONFLICT (key) DO NOTHING`, key, epoch); err != nil {
			return err
		}
		cur := ProviderToken{Key: key}
		if err := tx.QueryRowContext(ctx, `SELECT token, expires_at, fetched_at FROM provider_tokens WHERE key = $1 FOR UPDATE`, key).
			Scan(&cur.Token, &cur.ExpiresAt, &cur.FetchedAt); err != nil {
			return err
		}
		var err error
		if next, err = refresh(cur); err != nil || next == cur {
			return err
		}
		return s.saveProviderToken(ctx, tx, key, next)
	})
	if err != nil {
		return next, fmt.Errorf("store: refresh provider token: %w", err)
	}
	return next, nil
}

func (s *Store) saveProviderToken(ctx context.Context, q querier, key string, t ProviderToken) error {
	_, err := q.ExecContext(ctx, `INSERT INTO provider_tokens (key, token, expires_at, fetched_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at, fetched_at = excluded.fetched_at`,
		key, t.Token, dbTime(t.ExpiresAt), dbTime(t.FetchedAt))
	return err
}
