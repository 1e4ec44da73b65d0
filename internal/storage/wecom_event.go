package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// WeComEvent is one callback event WeCom pushed about an external
// contact.
type WeComEvent struct {
	Key            string // identifies the event across WeCom's retries
	ChangeType     string
	MemberID       string
	ExternalUserID string
	CreatedAt      time.Time // WeCom's CreateTime
}

// RecordWeComEvent stores ev unless an event with its key was stored
// before, and then runs then in the same transaction (to queue the work
// that applies it). It reports whether ev was new.
func (s *Store) RecordWeComEvent(ctx context.Context, ev WeComEvent, then func(tx *sql.Tx) error) (bool, error) {
	fresh := false
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO wecom_events (key, change_type, userid, external_userid, created_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
			ev.Key, ev.ChangeType, ev.MemberID, ev.ExternalUserID, dbTime(ev.CreatedAt), now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		fresh = true
		return then(tx)
	})
	if err != nil {
		return false, fmt.Errorf("store: record wecom event: %w", err)
	}
	return fresh, nil
}

// WeComEventApplied marks the event of key applied.
func (s *Store) WeComEventApplied(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE wecom_events SET applied_at = $1 WHERE key = $2`, now(), key)
	if err != nil {
		return fmt.Errorf("store: wecom event applied: %w", err)
	}
	return nil
}

// PruneWeComEvents forgets events received before cutoff (WeCom retries
// within minutes).
func (s *Store) PruneWeComEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM wecom_events WHERE received_at < $1`, dbTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: prune wecom events: %w", err)
	}
	return res.RowsAffected()
}
