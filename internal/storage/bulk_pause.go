package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// A paused send is stored as running with paused_at set (model.BulkPaused
// is what readers see).

// PauseBulkSend pauses a running send: no worker claims its recipients
// until it is resumed (rows already claimed are sent and settled as
// usual). It reports whether the send was running; a second pause of a
// paused send changes nothing.
func (s *Store) PauseBulkSend(ctx context.Context, id int64, p model.Pause) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET paused_at = $1, pause_reason = $2, pause_detail = $3,
		pause_failed_percent = $4, paused_by = $5 WHERE id = $6 AND status = $7 AND paused_at IS NULL`,
		dbTime(p.At), p.Reason, p.Detail, p.FailedPercent, nullInt(p.By), id, model.BulkRunning)
	if err != nil {
		return false, fmt.Errorf("store: pause bulk send: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ResumeBulkSend sets a paused send running again; a send paused by its
// canary counts its canary as passed (the operator has looked). It reports
// whether the send was paused.
func (s *Store) ResumeBulkSend(ctx context.Context, id int64) (bool, error) {
	t := now()
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET paused_at = NULL,
		canary_passed_at = CASE WHEN canary_size > 0 THEN COALESCE(canary_passed_at, $1) ELSE canary_passed_at END
		WHERE id = $2 AND status = $3 AND paused_at IS NOT NULL`, t, id, model.BulkRunning)
	if err != nil {
		return false, fmt.Errorf("store: resume bulk send: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetCanary makes the first size pending recipients of a send (by id) go
// first, alone, and returns the id of the last of them.
func (s *Store) SetCanary(ctx context.Context, id int64, size int) (int64, error) {
	var last int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		// WeCom recipients are never part of it: a person confirms them.
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM (SELECT id FROM bulk_recipients WHERE bulk_send_id = $1
			AND status = $2 AND channel <> $4 ORDER BY id LIMIT $3) AS first`, id, model.RecipientPending, size, model.ChannelWeCom).Scan(&last)
		if err != nil {
			return err
		}
		if last == 0 {
			size = 0
		}
		_, err = tx.ExecContext(ctx, `UPDATE bulk_sends SET canary_size = $1, canary_last_id = $2 WHERE id = $3`, size, last, id)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: set canary: %w", err)
	}
	return last, nil
}

// PassCanary records that a send's canary went well: the rest may go.
func (s *Store) PassCanary(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET canary_passed_at = $1 WHERE id = $2 AND canary_passed_at IS NULL`, dbTime(at), id)
	if err != nil {
		return fmt.Errorf("store: pass canary: %w", err)
	}
	return nil
}

// CanaryOutcome counts, for a send's canary, the recipients settled sent
// and failed and how many are still to send (pending or sending), with
// the failed ones by reason.
type CanaryOutcome struct {
	Sent, Failed, Open int
	Reasons            map[string]int
}

// CanaryOutcomes reads what the canary of a send (its recipients up to id
// lastID) has come to so far.
func (s *Store) CanaryOutcomes(ctx context.Context, id, lastID int64) (CanaryOutcome, error) {
	out := CanaryOutcome{Reasons: map[string]int{}}
	rows, err := s.r.QueryContext(ctx, `SELECT status, reason, count(*) FROM bulk_recipients WHERE bulk_send_id = $1
		AND id <= $2 GROUP BY status, reason`, id, lastID)
	if err != nil {
		return out, fmt.Errorf("store: canary outcomes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, reason string
		var n int
		if err := rows.Scan(&status, &reason, &n); err != nil {
			return out, err
		}
		switch status {
		case model.RecipientSent:
			out.Sent += n
		case model.RecipientFailed:
			out.Failed += n
			out.Reasons[reason] += n
		case model.RecipientPending, model.RecipientSending:
			out.Open += n
		}
	}
	return out, rows.Err()
}
