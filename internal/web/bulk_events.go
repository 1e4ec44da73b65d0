package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/notify"
)

// bulkProgress is the data of a bulk send's "progress" event.
type bulkProgress struct {
	Status  string `json:"status"`
	Total   int    `json:"total"`
	Pending int    `json:"pending"`
	Sent    int    `json:"sent"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
	Percent int    `json:"percent"`
	// Held of the pending wait for quiet hours: when some start or stop
	// waiting, the page says so.
	Held int `json:"held"`
	// Awaiting of the pending wait for their WeCom sender's confirmation.
	Awaiting int `json:"awaiting"`
}

func progressOf(b *model.BulkSend) bulkProgress {
	c := b.Counts
	p := bulkProgress{Status: b.Status, Total: c.Total, Pending: c.Pending, Sent: c.Sent, Failed: c.Failed, Skipped: c.Skipped,
		Percent: 100, Held: c.Held, Awaiting: c.Awaiting}
	if c.Total > 0 {
		p.Percent = (c.Sent + c.Failed + c.Skipped) * 100 / c.Total
	}
	return p
}

// bulkEvents streams a bulk send's progress as Server-Sent Events: a
// "progress" event with its status and counts every second while it runs
// (on change while it waits for its time), and "end" once it is done or
// cancelled. The stream ends then, when the browser goes away, after
// sseLifetime (the browser reconnects), or when the process shuts down.
func (h *handler) bulkEvents(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), identity(r)
	bid, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	b, err := h.app.Bulk.Get(ctx, id.Policy, bid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The user's notification feed closes when the process shuts down, and
	// says at once when a send of theirs has ended.
	notes, stop := h.app.Notify.Subscribe(ctx, id.User.ID)
	defer stop()
	s, err := startSSE(w)
	if err != nil {
		h.app.Log.Warn("bulk events: cannot stream", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, sseLifetime)
	defer cancel()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	var last bulkProgress
	for first := true; ; first = false {
		p := progressOf(b)
		if first || p != last || b.Status == model.BulkRunning {
			if err := s.event("progress", p); err != nil {
				return
			}
			last = p
			beat.Reset(sseHeartbeat)
		}
		if !isLive(b) {
			s.event("end", p) //nolint:errcheck // the stream ends either way
			return
		}
		if !waitTick(ctx, tick, beat, notes, s, "/bulk/"+strconv.FormatInt(b.ID, 10)) {
			return
		}
		if b, err = h.app.Bulk.Get(ctx, id.Policy, bid); err != nil {
			return
		}
	}
}

// waitTick waits for the next second, or for a notification about link;
// it sends heartbeats meanwhile and reports false when the stream must end.
func waitTick(ctx context.Context, tick, beat *time.Ticker, notes <-chan notify.Event, s *sseStream, link string) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
			return true
		case ev, ok := <-notes:
			if !ok {
				return false
			}
			if ev.Notification != nil && ev.Notification.Link == link {
				return true
			}
		case <-beat.C:
			if s.comment("ping") != nil {
				return false
			}
		}
	}
}
