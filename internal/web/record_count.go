package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"touchbase/internal/record"
)

// recordCountBudget is how long the records list's total may take. A
// count that needs longer (a keyword matching thousands among millions of
// records) is left unsaid rather than held against the database.
const recordCountBudget = 2 * time.Second

// recordCountData is the records list's total: N records, or more than N.
type recordCountData struct {
	N     int
	More  bool
	Known bool
}

// recordCount answers the total of the records the list's filters (its
// query string) match, up to record.CountCap. The list loads it after it
// shows, so the count never holds up the page.
func (h *handler) recordCount(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), recordCountBudget)
	defer cancel()
	f := parseRecordFilter(r.URL.Query(), h.location(r)).Store
	var d recordCountData
	var err error
	d.N, d.More, err = h.app.Records.Count(ctx, identity(r).Policy, f, record.CountCap)
	switch {
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		h.app.Log.Warn("records count over budget", "budget", recordCountBudget)
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		d.Known = true
	}
	w.Header().Set("Cache-Control", "no-store")
	h.fragment(w, r, http.StatusOK, "record_total", d)
}
