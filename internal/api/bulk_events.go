package api

import (
	"errors"
	"net/http"
	"time"

	"touchbase/internal/model"
)

// bulkProgress is the data of a bulk send's progress and done events.
type bulkProgress struct {
	ID          int64        `json:"id"`
	Status      string       `json:"status"`
	Counts      model.Counts `json:"counts"`
	ScheduledAt time.Time    `json:"scheduled_at"`
	StartedAt   *time.Time   `json:"started_at"`
	FinishedAt  *time.Time   `json:"finished_at"`
}

func progressOf(b *model.BulkSend) bulkProgress {
	return bulkProgress{ID: b.ID, Status: b.Status, Counts: b.Counts, ScheduledAt: b.ScheduledAt, StartedAt: b.StartedAt,
		FinishedAt: b.FinishedAt}
}

// finished reports whether a send has ended for good: done, cancelled,
// or refused or expired at approval (a retry of its failures would start
// a new run, followed by a new stream).
func (p bulkProgress) finished() bool {
	switch p.Status {
	case model.BulkDone, model.BulkCancelled, model.BulkRejected, model.BulkExpired:
		return true
	}
	return false
}

func (p bulkProgress) same(q bulkProgress) bool {
	return p.Status == q.Status && p.Counts == q.Counts
}

// bulkSendEvents streams a bulk send's live progress as Server-Sent
// Events: a "progress" event at once and whenever the counts or status
// change (read every tick), and a final "done" event when the send is
// done or cancelled, after which the stream ends. It also ends when the
// client goes, and when the server shuts down (the notification centre
// closes every live subscription then; the client reconnects).
func (h *handler) bulkSendEvents(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, p := r.Context(), policy(r)
	b, err := h.app.Bulk.Get(ctx, p, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The operator's notification of the end arrives here the moment it
	// is written, so the final event need not wait for the next tick.
	news, stop := h.app.Notify.Subscribe(ctx, identity(r).User.ID)
	defer stop()
	stream, err := startSSE(w)
	defer stream.end()
	if err != nil {
		return
	}
	last := progressOf(b)
	if last.finished() {
		_ = stream.event("done", last)
		return
	}
	if err := stream.event("progress", last); err != nil {
		return
	}
	tick := time.NewTicker(h.tick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-news:
			if !ok {
				return
			}
		case <-tick.C:
		}
		b, err := h.app.Bulk.Get(ctx, p, id)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, model.ErrNotFound) {
				h.log.Warn("bulk send events: read progress", "bulk_send", id, "err", err)
			}
			return
		}
		now := progressOf(b)
		switch {
		case now.finished():
			_ = stream.event("done", now)
			return
		case !now.same(last):
			err = stream.event("progress", now)
		default:
			err = stream.heartbeat(h.heartbeat)
		}
		if err != nil {
			return
		}
		last = now
	}
}
