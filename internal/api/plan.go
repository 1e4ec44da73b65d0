package api

import (
	"net/http"
	"strconv"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/plan"
)

// maxPlanCustomers is how many customers one request may plan for.
const maxPlanCustomers = 1000

// planFields are what a rep writes of a plan, new or edited.
type planFields struct {
	ContactID     *int64          `json:"contact_id"`
	Title         string          `json:"title"`
	Notes         string          `json:"notes"`
	TopicIDs      []int64         `json:"topic_ids"`
	DueAt         string          `json:"due_at"`         // RFC 3339
	RemindMinutes *int            `json:"remind_minutes"` // null: no reminder; 0: at the due time
	RemindEmail   bool            `json:"remind_email"`
	Recurrence    *recurrenceBody `json:"recurrence"` // null: once
}

// planBody is a new plan: one per customer in customer_ids.
type planBody struct {
	OwnerID     *int64  `json:"owner_id"` // null or absent: the caller
	CustomerIDs []int64 `json:"customer_ids"`
	planFields
}

// recurrenceBody is a recurrence rule; until is a date (the caller's) or
// an RFC 3339 time on the last day.
type recurrenceBody struct {
	Freq     string  `json:"freq"`
	Interval int     `json:"interval"`
	Weekdays []int   `json:"weekdays"`
	MonthDay int     `json:"month_day"`
	Until    *string `json:"until"`
	Count    int     `json:"count"`
}

// planFieldsOf returns the fields of a stored plan, for PATCH to change.
func planFieldsOf(pl *model.Plan) planFields {
	f := planFields{ContactID: clone(pl.ContactID), Title: pl.Title, Notes: pl.Notes, TopicIDs: pl.TopicIDs,
		DueAt: pl.DueAt.Format(time.RFC3339Nano), RemindMinutes: clone(pl.RemindMinutes), RemindEmail: pl.RemindEmail}
	if rec, err := plan.ParseRecurrence(pl.Recurrence); err == nil && rec != nil {
		rb := &recurrenceBody{Freq: rec.Freq, Interval: rec.Interval, MonthDay: rec.MonthDay, Count: rec.Count}
		for _, d := range rec.Weekdays {
			rb.Weekdays = append(rb.Weekdays, int(d))
		}
		if rec.Until != nil {
			u := rec.Until.Format(time.RFC3339Nano)
			rb.Until = &u
		}
		f.Recurrence = rb
	}
	return f
}

// edit checks what only the API can get wrong and returns the service's
// edit; loc reads a date-only until. The service checks the rest.
func (b planFields) edit(errs *model.ValidationErrors, loc *time.Location) plan.Edit {
	e := plan.Edit{ContactID: b.ContactID, Title: b.Title, Notes: b.Notes, RemindMinutes: b.RemindMinutes,
		RemindEmail: b.RemindEmail}
	if b.ContactID != nil && *b.ContactID <= 0 {
		errs.Add("contact_id", "invalid", "contact_id must be a positive integer")
	}
	if len(b.TopicIDs) > maxTopics {
		errs.Add("topic_ids", "too_many", "at most 100 topics")
	} else {
		e.TopicIDs = distinct(b.TopicIDs)
	}
	if b.DueAt != "" {
		t, err := time.Parse(time.RFC3339Nano, b.DueAt)
		if err != nil {
			errs.Add("due_at", "invalid", "due_at must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00")
		}
		e.DueAt = t
	}
	if b.Recurrence != nil {
		r := b.Recurrence
		e.Recurrence = &plan.Recurrence{Freq: r.Freq, Interval: r.Interval, MonthDay: r.MonthDay, Count: r.Count}
		for _, d := range r.Weekdays {
			e.Recurrence.Weekdays = append(e.Recurrence.Weekdays, time.Weekday(d))
		}
		if r.Until != nil {
			if u, ok := parseDay(*r.Until, loc); ok {
				e.Recurrence.Until = &u
			} else {
				errs.Add("recurrence.until", "invalid", "until must be a date such as 2026-12-31 or an RFC 3339 time")
			}
		}
	}
	return e
}

// input checks the new plan's body and returns the service's input.
func (b planBody) input(loc *time.Location) (plan.Input, error) {
	var errs model.ValidationErrors
	e := b.edit(&errs, loc)
	in := plan.Input{CustomerIDs: b.CustomerIDs, ContactID: e.ContactID, Title: e.Title, Notes: e.Notes,
		TopicIDs: e.TopicIDs, DueAt: e.DueAt, RemindMinutes: e.RemindMinutes, RemindEmail: e.RemindEmail, Recurrence: e.Recurrence}
	if b.OwnerID != nil {
		if *b.OwnerID <= 0 {
			errs.Add("owner_id", "invalid", "owner_id must be a positive integer")
		}
		in.OwnerID = *b.OwnerID
	}
	if len(b.CustomerIDs) > maxPlanCustomers {
		errs.Add("customer_ids", "too_many", "at most 1000 customers at once")
	} else {
		in.CustomerIDs = distinct(b.CustomerIDs)
	}
	for _, id := range b.CustomerIDs {
		if id <= 0 {
			errs.Add("customer_ids", "invalid", "customer_ids must hold positive integers")
			break
		}
	}
	return in, errs.Err()
}

// parseDay reads a date (noon in loc, so the day holds in any owner's
// time zone within 12 hours of loc) or an RFC 3339 time.
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return d.Add(12 * time.Hour), true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// callerZone is the caller's time zone, UTC when unknown.
func callerZone(r *http.Request) *time.Location {
	if u := identity(r).User; u != nil {
		if loc, err := time.LoadLocation(u.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// planOut is a plan as answered: its recurrence as an object, whether it is
// overdue and when its reminder fires.
type planOut struct {
	*model.Plan
	Recurrence *plan.Recurrence `json:"recurrence"`
	Overdue    bool             `json:"overdue"`
	RemindAt   *time.Time       `json:"remind_at"`
}

func planOf(pl *model.Plan, now time.Time) planOut {
	out := planOut{Plan: pl, Overdue: pl.Status == model.PlanOpen && pl.DueAt.Before(now)}
	out.Recurrence, _ = plan.ParseRecurrence(pl.Recurrence)
	if at, ok := pl.RemindAt(); ok {
		out.RemindAt = &at
	}
	if pl.TopicIDs == nil {
		pl.TopicIDs = []int64{}
	}
	return out
}

func plansOf(pls []*model.Plan, now time.Time) []planOut {
	out := make([]planOut, len(pls))
	for i, pl := range pls {
		out[i] = planOf(pl, now)
	}
	return out
}

// respondPlan answers with the plan id as the caller now sees it.
func (h *handler) respondPlan(w http.ResponseWriter, r *http.Request, id int64) {
	pl, err := h.app.Plans.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planOf(pl, h.app.Plans.Now()))
}

// createPlan adds a plan for each customer of the body, owned by the
// caller or by a rep they manage; all or none are stored.
func (h *handler) createPlan(w http.ResponseWriter, r *http.Request) {
	var body planBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := body.input(callerZone(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	made, err := h.app.Plans.Create(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(made))
	for i, pl := range made {
		ids[i] = pl.ID
	}
	if now, err := h.app.Plans.GetMany(r.Context(), policy(r), ids); err == nil && len(now) == len(made) {
		made = now // as they stand: names and topics included
	}
	if len(made) == 1 {
		w.Header().Set("Location", Prefix+"/plans/"+strconv.FormatInt(made[0].ID, 10))
	}
	writeJSON(w, http.StatusCreated, listOf(plansOf(made, h.app.Plans.Now())))
}

// getPlan returns one plan the caller may see.
func (h *handler) getPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondPlan(w, r, id)
}

// replacePlan is PUT: every writable field of an open plan is replaced.
func (h *handler) replacePlan(w http.ResponseWriter, r *http.Request) { h.updatePlan(w, r, false) }

// patchPlan is PATCH: only the fields in the body change.
func (h *handler) patchPlan(w http.ResponseWriter, r *http.Request) { h.updatePlan(w, r, true) }

func (h *handler) updatePlan(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Plans.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var body planFields
	if partial {
		body = planFieldsOf(cur)
	}
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	var errs model.ValidationErrors
	e := body.edit(&errs, callerZone(r))
	if err := errs.Err(); err != nil {
		h.fail(w, r, err)
		return
	}
	pl, err := h.app.Plans.Update(r.Context(), policy(r), id, e)
	if err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	writeJSON(w, http.StatusOK, planOf(pl, h.app.Plans.Now()))
}
