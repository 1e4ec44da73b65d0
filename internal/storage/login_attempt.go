package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoginLockedUntil returns when the lock on key ends, or the zero time when
// key is not locked.
func (s *Store) LoginLockedUntil(ctx context.Context, key string) (time.Time, error) {
	var until sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT locked_until FROM login_attempts WHERE key = $1`, key).Scan(&until)
	if err == sql.ErrNoRows || (err == nil && (!until.Valid || !until.Time.After(time.Now()))) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: login lock: %w", err)
	}
	return until.Time, nil
}

// RecordLoginFailure counts a failed login for key within window; once the
// count reaches limit, key is locked for lock. It returns the new count.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, window time.Duration, limit int, lock time.Duration) (int, error) {
	var count int
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		var failures int
		var start time.Time
		err := tx.QueryRowContext(ctx, `SELECT failures, window_start FROM login_attempts WHERE key = $1`, key).Scan(&failures, &start)
		switch {
		case err == sql.ErrNoRows || (err == nil && t.Sub(start) > window):
			failures, start = 0, t
		case err != nil:
			return err
		}
		failures++
		count = failures
		var locked sql.NullTime
		if failures >= limit {
			locked = sql.NullTime{Time: t.Add(lock), Valid: true}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO login_attempts (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
			locked_until = excluded.locked_until`, key, failures, start, locked)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: record login failure: %w", err)
	}
	return count, nil
}

// ClearLoginFailures forgets failures of key after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1`, key)
	return err
}
