package api

import (
	"net/http"
	"time"

	"touchbase/internal/model"
)

// rescheduleBody moves a plan: a new due time and, optionally, a new
// reminder lead time (absent: unchanged; null: no reminder).
type rescheduleBody struct {
	DueAt         string `json:"due_at"`
	RemindMinutes *int   `json:"remind_minutes"`
}

// reasonBody says why a plan is cancelled or closed.
type reasonBody struct {
	Reason string `json:"reason"`
}

// reassignBody names the plan's new owner.
type reassignBody struct {
	OwnerID int64 `json:"owner_id"`
}

// closeResult is a closed plan and the next occurrence of its series, if
// it recurs.
type closeResult struct {
	Plan planOut  `json:"plan"`
	Next *planOut `json:"next"`
}

// planAction reads the plan id of the path and decodes the body into dst
// (nil: no body). A plan the caller may not see is 404 before the body
// is read.
func (h *handler) planAction(w http.ResponseWriter, r *http.Request, dst any) (*model.Plan, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	pl, err := h.app.Plans.Get(r.Context(), policy(r), id)
	if err == nil && dst != nil {
		err = decode(r, dst)
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return pl, true
}

// reschedulePlan moves an open plan's due time and reminder; the old
// reminder will not fire.
func (h *handler) reschedulePlan(w http.ResponseWriter, r *http.Request) {
	pl, ok := h.planAction(w, r, nil)
	if !ok {
		return
	}
	body := rescheduleBody{RemindMinutes: clone(pl.RemindMinutes)}
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	if body.DueAt == "" {
		h.fail(w, r, model.NewFieldError("due_at", "required", "due_at is required"))
		return
	}
	due, err := time.Parse(time.RFC3339Nano, body.DueAt)
	if err != nil {
		h.fail(w, r, model.NewFieldError("due_at", "invalid", "due_at must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00"))
		return
	}
	if err := h.app.Plans.Reschedule(r.Context(), policy(r), pl.ID, due, body.RemindMinutes); err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	h.respondPlan(w, r, pl.ID)
}

// cancelPlan withdraws an open plan, ending its series.
func (h *handler) cancelPlan(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	pl, ok := h.planAction(w, r, &body)
	if !ok {
		return
	}
	if err := h.app.Plans.Cancel(r.Context(), policy(r), pl.ID, body.Reason); err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	h.respondPlan(w, r, pl.ID)
}

// closePlan ends an open plan without a contact, with a reason; a
// recurring plan rolls to its next occurrence.
func (h *handler) closePlan(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	pl, ok := h.planAction(w, r, &body)
	if !ok {
		return
	}
	next, err := h.app.Plans.Close(r.Context(), policy(r), pl.ID, body.Reason)
	if err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	closed, err := h.app.Plans.Get(r.Context(), policy(r), pl.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.app.Plans.Now()
	out := closeResult{Plan: planOf(closed, now)}
	if next != nil {
		if n, err := h.app.Plans.Get(r.Context(), policy(r), next.ID); err == nil {
			next = n
		}
		o := planOf(next, now)
		out.Next = &o
	}
	writeJSON(w, http.StatusOK, out)
}

// reassignPlan gives an open plan to another rep the caller manages.
func (h *handler) reassignPlan(w http.ResponseWriter, r *http.Request) {
	var body reassignBody
	pl, ok := h.planAction(w, r, &body)
	if !ok {
		return
	}
	if body.OwnerID < 0 {
		h.fail(w, r, model.NewFieldError("owner_id", "invalid", "owner_id must be a positive integer"))
		return
	}
	moved, err := h.app.Plans.Reassign(r.Context(), policy(r), pl.ID, body.OwnerID)
	if err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	writeJSON(w, http.StatusOK, planOf(moved, h.app.Plans.Now()))
}
