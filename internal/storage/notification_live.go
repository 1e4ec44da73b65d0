package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"touchbase/internal/model"
)

// NotificationChannel is the PostgreSQL LISTEN/NOTIFY channel on which the
// database itself (by trigger) announces notifications created and read,
// whichever process wrote them. See ParseNotificationSignal.
const NotificationChannel = "touchbase_notifications"

// NotificationSignal is one announcement on NotificationChannel.
type NotificationSignal struct {
	UserID int64
	// NotificationID is the new notification; 0 when the user's
	// notifications were marked read.
	NotificationID int64
}

// ParseNotificationSignal decodes a NotificationChannel payload: "n:USER:ID"
// for a new notification, "r:USER" for notifications marked read.
func ParseNotificationSignal(payload string) (NotificationSignal, error) {
	kind, rest, _ := strings.Cut(payload, ":")
	var sig NotificationSignal
	var err error
	switch kind {
	case "n":
		user, id, ok := strings.Cut(rest, ":")
		if !ok {
			return sig, fmt.Errorf("store: notification signal %q: no id", payload)
		}
		if sig.UserID, err = strconv.ParseInt(user, 10, 64); err == nil {
			sig.NotificationID, err = strconv.ParseInt(id, 10, 64)
		}
	case "r":
		sig.UserID, err = strconv.ParseInt(rest, 10, 64)
	default:
		err = errors.New("unknown kind")
	}
	if err != nil {
		return NotificationSignal{}, fmt.Errorf("store: notification signal %q: %w", payload, err)
	}
	return sig, nil
}

// MaxNotificationID returns the highest notification id, 0 when there are
// none.
func (s *Store) MaxNotificationID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM notifications`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: max notification id: %w", err)
	}
	return id, nil
}

// NotificationsAfter returns, oldest first, at most limit notifications of
// the given users with an id above afterID: what a process that missed
// announcements catches up with.
func (s *Store) NotificationsAfter(ctx context.Context, afterID int64, userIDs []int64, limit int) ([]*model.Notification, error) {
	if len(userIDs) == 0 {
		return []*model.Notification{}, nil
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var q Query
	q.Add(`SELECT `, notificationColumns, ` FROM notifications WHERE id > `, q.Arg(afterID), ` AND user_id IN (`)
	for i, id := range userIDs {
		if i > 0 {
			q.Add(`, `)
		}
		q.Add(q.Arg(id))
	}
	q.Add(`) ORDER BY id LIMIT `, q.Arg(limit))
	return s.queryNotifications(ctx, "notifications after", q)
}
