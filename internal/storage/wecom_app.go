package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// WeComAppNotify returns the member mapped to a user and whether the user
// asked for their notifications in WeCom; ErrNotFound when no member is
// mapped to them.
func (s *Store) WeComAppNotify(ctx context.Context, userID int64) (string, bool, error) {
	var member string
	var on bool
	err := s.r.QueryRowContext(ctx, `SELECT userid, app_notify FROM wecom_members WHERE user_id = $1`, userID).Scan(&member, &on)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, model.ErrNotFound
	}
	if err != nil {
		return "", false, fmt.Errorf("store: wecom app notify: %w", err)
	}
	return member, on, nil
}

// SetWeComAppNotify records whether a user wants their notifications in
// WeCom; ErrNotFound when no member is mapped to them.
func (s *Store) SetWeComAppNotify(ctx context.Context, userID int64, on bool) error {
	res, err := s.w.ExecContext(ctx, `UPDATE wecom_members SET app_notify = $1 WHERE user_id = $2`, on, userID)
	if err != nil {
		return fmt.Errorf("store: set wecom app notify: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// QueueWeComAppMessage queues notification n for its user's WeCom when
// they asked for it, and returns their member ("" when nothing was
// queued). Queueing a notification twice queues it once.
func (s *Store) QueueWeComAppMessage(ctx context.Context, n *model.Notification) (string, error) {
	var member string
	// Most users have not asked: a read tells, without a write.
	err := s.r.QueryRowContext(ctx, `SELECT userid FROM wecom_members WHERE user_id = $1 AND app_notify`, n.UserID).Scan(&member)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: queue wecom app message: %w", err)
	}
	err = s.w.QueryRowContext(ctx, `INSERT INTO wecom_app_messages (notification_id, userid, created_at)
		SELECT $1, userid, $2 FROM wecom_members WHERE user_id = $3 AND app_notify
		ON CONFLICT (notification_id) DO NOTHING RETURNING userid`, n.ID, now(), n.UserID).Scan(&member)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: queue wecom app message: %w", err)
	}
	return member, nil
}

// PendingWeComAppMessages returns the notifications queued for member and
// not sent yet, oldest first, and when one was last sent to them.
func (s *Store) PendingWeComAppMessages(ctx context.Context, member string) ([]*model.Notification, *time.Time, error) {
	var out []*model.Notification
	q := s.bulkQuery()
	q.Add(`SELECT n.id, n.user_id, n.kind, n.title, n.body, n.link, n.data, '', n.read_at, n.created_at FROM wecom_app_messages a
		JOIN notifications n ON n.id = a.notification_id WHERE a.userid = `, q.Arg(member), ` AND a.sent_at IS NULL ORDER BY a.notification_id`)
	err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
		n, err := scanNotification(rows)
		if err == nil {
			out = append(out, n)
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: pending wecom app messages: %w", err)
	}
	var last any
	if err := s.r.QueryRowContext(ctx, `SELECT max(sent_at) FROM wecom_app_messages WHERE userid = $1`, member).Scan(&last); err != nil {
		return nil, nil, fmt.Errorf("store: last wecom app message: %w", err)
	}
	if t, ok := aggregateTime(last); ok {
		return out, &t, nil
	}
	return out, nil, nil
}

// WaitingWeComAppMembers lists the members with notifications queued
// before before and not sent.
func (s *Store) WaitingWeComAppMembers(ctx context.Context, before time.Time) ([]string, error) {
	var out []string
	q := s.bulkQuery()
	q.Add(`SELECT DISTINCT userid FROM wecom_app_messages WHERE sent_at IS NULL AND created_at < `, q.Arg(dbTime(before)))
	err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
		var m string
		err := rows.Scan(&m)
		out = append(out, m)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: waiting wecom app members: %w", err)
	}
	return out, nil
}

// MarkWeComAppMessagesSent records that the notifications ids went out
// at at, merged into one digest when digest is set.
func (s *Store) MarkWeComAppMessagesSent(ctx context.Context, ids []int64, at time.Time, digest bool) error {
	q := s.bulkQuery()
	q.Add(`UPDATE wecom_app_messages SET sent_at = `, q.Arg(dbTime(at)), `, digest = `, q.Arg(digest), ` WHERE `, s.idIn(q, "notification_id", ids))
	if _, err := s.w.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
		return fmt.Errorf("store: mark wecom app messages: %w", err)
	}
	return nil
}
