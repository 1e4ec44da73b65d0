package web

import (
	"errors"
	"net/http"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// planPageData is the data of a plan's page.
type planPageData struct {
	base
	Plan       *model.Plan
	Topics     []*model.Topic
	Access     permission.Access // the user's on the plan's customer
	Record     *model.Record     // the record that completed it
	Owners     []*model.User     // reps the plan can be handed to
	Recurrence string
	Errors     model.ValidationErrors
	Reason     string // a refused cancel or close reason, kept
	Open       string // the action form shown open after a refusal: "cancel", "close"
	ContactNow bool   // open the contact dialog at once (?contact=now: the reminder's link)
	Now        time.Time
}

// Overdue reports whether the plan is open past its due time.
func (d planPageData) Overdue() bool {
	return d.Plan.Status == model.PlanOpen && d.Plan.DueAt.Before(d.Now)
}

// planShow shows one plan with everything about it and its actions. A plan
// the user may not see (another rep's) is a 404.
func (h *handler) planShow(w http.ResponseWriter, r *http.Request) {
	d, err := h.planPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.ContactNow = r.URL.Query().Get("contact") == "now" && d.Plan.Status == model.PlanOpen && d.Access.Contact
	h.render(w, r, http.StatusOK, "plan.html", d)
}

// planPage loads the plan named by the path and what its page shows.
func (h *handler) planPage(w http.ResponseWriter, r *http.Request) (planPageData, error) {
	ctx, id := r.Context(), identity(r)
	pid, ok := pathID(r, "id")
	if !ok {
		return planPageData{}, model.ErrNotFound
	}
	pl, err := h.app.Plans.Get(ctx, id.Policy, pid)
	if err != nil {
		return planPageData{}, err
	}
	d := planPageData{base: h.base(w, r, "plans", "plan.title"), Plan: pl, Now: time.Now()}
	d.Title = pl.Title
	d.Recurrence = recurrenceText(d.Lang, pl.Recurrence, d.Loc)
	topics, err := h.topicIndex(ctx)
	if err != nil {
		return d, err
	}
	d.Topics = topics.Of(pl.TopicIDs)
	// A manager sees the team's plans, not necessarily the customers.
	if cv, err := h.app.Contacts.Customer(ctx, id.Policy, pl.CustomerID); err == nil {
		d.Access = cv.Access
	} else if !errors.Is(err, model.ErrNotFound) {
		return d, err
	}
	if pl.RecordID != nil {
		if d.Record, err = h.app.Records.Get(ctx, id.Policy, *pl.RecordID); errors.Is(err, model.ErrNotFound) {
			d.Record, err = nil, nil
		}
		if err != nil {
			return d, err
		}
	}
	if pl.Status == model.PlanOpen && managesOthers(id.User) {
		d.Owners, err = h.managedReps(ctx, id.User)
	}
	return d, err
}
