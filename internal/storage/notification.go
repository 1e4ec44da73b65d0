package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"touchbase/internal/model"
)

const notificationColumns = `id, user_id, kind, title, body, link, data, COALESCE(dedupe_key, ''), read_at, created_at`

func scanNotification(row interface{ Scan(...any) error }) (*model.Notification, error) {
	var n model.Notification
	var data string
	var readAt sql.NullTime
	if err := row.Scan(&n.ID, &n.UserID, &n.Kind, &n.Title, &n.Body, &n.Link, &data, &n.DedupeKey, &readAt, &n.CreatedAt); err != nil {
		return nil, err
	}
	n.Data = json.RawMessage(data)
	if readAt.Valid {
		t := readAt.Time
		n.ReadAt = &t
	}
	return &n, nil
}

func notificationData(n *model.Notification) string {
	if len(n.Data) == 0 {
		return "{}"
	}
	return string(n.Data)
}

// CreateNotification stores n and sets its ID and CreatedAt. When n has a
// DedupeKey the user already has a notification with, nothing is stored
// and it returns false.
func (s *Store) CreateNotification(ctx context.Context, n *model.Notification) (bool, error) {
	t := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, title, body, link, data, dedupe_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
		n.UserID, n.Kind, n.Title, n.Body, n.Link, notificationData(n), nullString(n.DedupeKey), t).Scan(&n.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case isForeignKeyViolation(err):
		return false, model.NewFieldError("user_id", "not_found", "user does not exist")
	case err != nil:
		return false, fmt.Errorf("store: create notification: %w", err)
	}
	n.CreatedAt = t
	return true, nil
}

// notificationChunk bounds the rows of one INSERT (8 parameters each).
const notificationChunk = 500

// CreateNotifications stores ns in one transaction, a multi-row INSERT per
// 500 notifications, and sets their IDs and CreatedAt. A notification
// skipped because of its DedupeKey keeps ID 0.
func (s *Store) CreateNotifications(ctx context.Context, ns []*model.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	t := now()
	return s.InTx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(ns, notificationChunk) {
			if err := insertNotifications(ctx, tx, s.bulkQuery(), chunk, t); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertNotifications(ctx context.Context, tx *sql.Tx, q *Query, ns []*model.Notification, t time.Time) error {
	q.Add(`INSERT INTO notifications (user_id, kind, title, body, link, data, dedupe_key, created_at) VALUES `)
	for i, n := range ns {
		if i > 0 {
			q.Add(`, `)
		}
		q.Add(`(`, q.Arg(n.UserID), `, `, q.Arg(n.Kind), `, `, q.Arg(n.Title), `, `, q.Arg(n.Body), `, `, q.Arg(n.Link),
			`, `, q.Arg(notificationData(n)), `, `, q.Arg(nullString(n.DedupeKey)), `, `, q.Arg(t), `)`)
	}
	q.Add(` ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id, user_id, COALESCE(dedupe_key, '')`)
	rows, err := tx.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("user_id", "not_found", "user does not exist")
		}
		return fmt.Errorf("store: create notifications: %w", err)
	}
	defer rows.Close()
	type inserted struct {
		id, user int64
		key      string
	}
	var got []inserted
	for rows.Next() {
		var r inserted
		if err := rows.Scan(&r.id, &r.user, &r.key); err != nil {
			return err
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("user_id", "not_found", "user does not exist")
		}
		return fmt.Errorf("store: create notifications: %w", err)
	}
	// RETURNING promises no order, but one statement numbers its rows in
	// VALUES order: ascending ids of one (user, key) go to its rows in turn.
	slices.SortFunc(got, func(a, b inserted) int { return cmp.Compare(a.id, b.id) })
	for _, r := range got {
		for _, n := range ns {
			if n.ID == 0 && n.UserID == r.user && n.DedupeKey == r.key {
				n.ID, n.CreatedAt = r.id, t
				break
			}
		}
	}
	return nil
}

// NotificationByID returns one of the user's notifications; another
// user's is ErrNotFound.
func (s *Store) NotificationByID(ctx context.Context, userID, id int64) (*model.Notification, error) {
	n, err := scanNotification(s.r.QueryRowContext(ctx, `SELECT `+notificationColumns+`
		FROM notifications WHERE id = $1 AND user_id = $2`, id, userID))
	if err != nil {
		return nil, notFound(err)
	}
	return n, nil
}

// NotificationFilter narrows ListNotifications.
type NotificationFilter struct {
	// BeforeID pages: only notifications older (smaller id) than it.
	BeforeID int64
	// UnreadOnly leaves out notifications already read.
	UnreadOnly bool
	// Limit is the page size: 1–200, default 50.
	Limit int
}

// ListNotifications returns a user's notifications, newest first.
func (s *Store) ListNotifications(ctx context.Context, userID int64, f NotificationFilter) ([]*model.Notification, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var q Query
	q.Add(`SELECT `, notificationColumns, ` FROM notifications WHERE user_id = `, q.Arg(userID))
	if f.UnreadOnly {
		q.Add(` AND read_at IS NULL`)
	}
	if f.BeforeID > 0 {
		q.Add(` AND id < `, q.Arg(f.BeforeID))
	}
	q.Add(` ORDER BY id DESC LIMIT `, q.Arg(f.Limit))
	return s.queryNotifications(ctx, "list notifications", q)
}

func (s *Store) queryNotifications(ctx context.Context, what string, q Query) ([]*model.Notification, error) {
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []*model.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadNotificationCount counts a user's unread notifications.
func (s *Store) UnreadNotificationCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unread notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationRead marks one of the user's notifications read and
// reports whether it was unread. Another user's notification, or a missing
// one, is ErrNotFound.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL`,
		now(), id, userID)
	if err != nil {
		return false, fmt.Errorf("store: mark notification read: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	// Nothing changed: already read, or not the user's.
	var one int
	err = s.w.QueryRowContext(ctx, `SELECT 1 FROM notifications WHERE id = $1 AND user_id = $2`, id, userID).Scan(&one)
	if err != nil {
		if err := notFound(err); err == model.ErrNotFound {
			return false, err
		}
		return false, fmt.Errorf("store: mark notification read: %w", err)
	}
	return false, nil
}

// MarkAllNotificationsRead marks every unread notification of the user read
// and returns how many there were.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, now(), userID)
	if err != nil {
		return 0, fmt.Errorf("store: mark all notifications read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
