package storage

import (
	"context"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// CreateSession stores a session under the hash of its secret id.
func (s *Store) CreateSession(ctx context.Context, idHash string, sess *model.Session) error {
	sess.CreatedAt = now()
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, idHash, sess.UserID, sess.CSRFToken, sess.CreatedAt, dbTime(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a session of an active user that has neither
// expired nor begun before startedAfter (the absolute limit).
func (s *Store) SessionByHash(ctx context.Context, idHash string, startedAfter time.Time) (*model.Session, error) {
	var sess model.Session
	err := s.r.QueryRowContext(ctx, `SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 AND u.active = TRUE`,
		idHash, now(), dbTime(startedAfter)).
		Scan(&sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &sess, nil
}

// ExtendSession moves a session's expiry.
func (s *Store) ExtendSession(ctx context.Context, idHash string, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET expires_at = $1 WHERE id_hash = $2`, dbTime(expires), idHash)
	return err
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry or begun
// before startedBefore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, startedBefore time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR created_at <= $2`, now(), dbTime(startedBefore))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
