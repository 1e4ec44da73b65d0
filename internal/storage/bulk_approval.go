package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// A send waiting for approval is stored as scheduled with approval
// 'waiting': StartBulkSend and the sweep leave it alone. Refused and
// expired sends are stored cancelled, their recipients skipped.

// ApproveBulkSend records that by approved a waiting send at at, with
// comment; it reports whether the send was waiting.
func (s *Store) ApproveBulkSend(ctx context.Context, id, by int64, comment string, at time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET approval = $1, approval_by = $2, approval_at = $3, approval_comment = $4
		WHERE id = $5 AND status = $6 AND approval = $7`, model.ApprovalApproved, by, dbTime(at), comment, id,
		model.BulkScheduled, model.ApprovalWaiting)
	if err != nil {
		return false, fmt.Errorf("store: approve bulk send: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RejectBulkSend records that by refused a waiting send at at, with
// comment: it is cancelled and its recipients skipped (SkipRejected). It
// reports whether the send was waiting.
func (s *Store) RejectBulkSend(ctx context.Context, id, by int64, comment string, at time.Time) (bool, error) {
	return s.endWaiting(ctx, id, model.ApprovalRejected, model.SkipRejected, sql.NullInt64{Int64: by, Valid: true}, comment, at)
}

// ExpireApprovals ends the sends that still wait for approval although
// their time was before before: each is cancelled, its recipients
// skipped (SkipApprovalExpired). It returns their ids.
func (s *Store) ExpireApprovals(ctx context.Context, before time.Time) ([]int64, error) {
	ids, err := s.queryIDs(ctx, "waiting bulk sends", `SELECT id FROM bulk_sends WHERE approval = $1 AND status = $2
		AND scheduled_at < $3 ORDER BY id`, model.ApprovalWaiting, model.BulkScheduled, dbTime(before))
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range ids {
		ok, err := s.endWaiting(ctx, id, model.ApprovalExpired, model.SkipApprovalExpired, sql.NullInt64{}, "", now())
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// endWaiting cancels a waiting send with the approval state and skips
// its recipients with reason.
func (s *Store) endWaiting(ctx context.Context, id int64, state, reason string, by sql.NullInt64, comment string, at time.Time) (bool, error) {
	t := dbTime(at)
	ok, err := s.endSend(ctx, id, reason, t, `UPDATE bulk_sends SET status = $1, finished_at = $2, approval = $3, approval_by = $4,
		approval_at = $2, approval_comment = $5 WHERE id = $6 AND status = $7 AND approval = $8`,
		model.BulkCancelled, t, state, by, comment, id, model.BulkScheduled, model.ApprovalWaiting)
	if err != nil {
		return false, fmt.Errorf("store: end waiting bulk send: %w", err)
	}
	return ok, nil
}

// BulkApprovers lists who may approve a send of operator: active admins
// and the manager of the operator's team, never the operator.
func (s *Store) BulkApprovers(ctx context.Context, operator int64) ([]int64, error) {
	return s.queryIDs(ctx, "bulk approvers", `SELECT id FROM users WHERE active AND id <> $1 AND (role = $2
		OR id = (SELECT t.manager_id FROM teams t JOIN users o ON o.team_id = t.id WHERE o.id = $1)) ORDER BY id`,
		operator, string(model.RoleAdmin))
}

// MessagesSince counts the messages of the bulk sends user accepted since
// since: each send's estimate when accepted, a cancelled one only for the
// messages it sent (nothing, when it was rejected or expired).
func (s *Store) MessagesSince(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN b.status <> $1 THEN b.estimated_messages
		ELSE (SELECT count(*) FROM bulk_recipients r WHERE r.bulk_send_id = b.id AND r.status = $2) END), 0)
		FROM bulk_sends b WHERE b.user_id = $3 AND b.created_at >= $4`,
		model.BulkCancelled, model.RecipientSent, userID, dbTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: messages since: %w", err)
	}
	return n, nil
}
