package web

import (
	"context"
	"net/http"
	"time"

	"touchbase/internal/notify"
)

// notificationEvent is the data of a "notification" event.
type notificationEvent struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Link   string `json:"link"`
	Unread int    `json:"unread"`
}

// notificationStream streams the user's notifications as Server-Sent
// Events for the bell: "unread" with the unread count (first, and whenever
// notifications are read elsewhere) and "notification" for each new one.
// A comment every sseHeartbeat keeps the connection open; the stream ends
// when the browser goes away, after sseLifetime (the browser reconnects)
// or when the process shuts down.
func (h *handler) notificationStream(w http.ResponseWriter, r *http.Request) {
	uid := identity(r).User.ID
	events, stop := h.app.Notify.Subscribe(r.Context(), uid) // before counting: nothing falls in between
	defer stop()
	unread, err := h.app.Notify.UnreadCount(r.Context(), uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := startSSE(w)
	if err != nil {
		h.app.Log.Warn("notification stream: cannot stream", "err", err)
		return
	}
	if s.event("unread", map[string]int{"unread": unread}) != nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sseLifetime)
	defer cancel()
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			err = sendNotificationEvent(s, ev)
		case <-beat.C:
			err = s.comment("ping")
		}
		if err != nil {
			return
		}
	}
}

func sendNotificationEvent(s *sseStream, ev notify.Event) error {
	if ev.Type == notify.EventCreated && ev.Notification != nil {
		n := ev.Notification
		return s.event("notification", notificationEvent{ID: n.ID, Title: n.Title, Body: n.Body, Link: n.Link, Unread: ev.Unread})
	}
	return s.event("unread", map[string]int{"unread": ev.Unread})
}
