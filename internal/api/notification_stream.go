package api

import (
	"net/http"
	"time"

	"touchbase/internal/notify"
)

// notificationStream pushes the caller's notification events as
// Server-Sent Events: first a "read" event with the unread count now,
// then a "created" event for each new notification and a "read" event
// whenever notifications are marked read (in any tab or process), with a
// comment every heartbeat so proxies keep the connection. It ends when
// the client goes, when the server shuts down, or when the client falls
// too far behind; a client reconnects and reloads the list then.
func (h *handler) notificationStream(w http.ResponseWriter, r *http.Request) {
	ctx, uid := r.Context(), identity(r).User.ID
	// Subscribe first, then count: nothing falls in between.
	events, stop := h.app.Notify.Subscribe(ctx, uid)
	defer stop()
	unread, err := h.app.Notify.UnreadCount(ctx, uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stream, err := startSSE(w)
	defer stream.end()
	if err == nil {
		err = stream.event(notify.EventRead, notify.Event{Type: notify.EventRead, Unread: unread})
	}
	if err != nil {
		return
	}
	beat := time.NewTicker(h.heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			err = stream.event(ev.Type, ev)
		case <-beat.C:
			err = stream.heartbeat(0)
		}
		if err != nil {
			return
		}
	}
}
