package api

import (
	"net/http"
	"slices"

	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
)

// planStatuses are the values of a plan's status.
var planStatuses = []string{model.PlanOpen, model.PlanDone, model.PlanCancelled, model.PlanClosed}

// planFilter reads the list's query: filters, a view (tab) in the
// caller's time zone, and the page size.
func (h *handler) planFilter(r *http.Request) (storage.PlanFilter, error) {
	var f storage.PlanFilter
	var err error
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"owner_id", &f.OwnerID}, {"customer_id", &f.CustomerID}, {"team_id", &f.TeamID}} {
		if *p.dst, err = queryID(r, p.name); err != nil {
			return f, err
		}
	}
	mine, err := queryBool(r, "mine")
	if err != nil {
		return f, err
	}
	if mine {
		if f.OwnerID != 0 {
			return f, newBadRequest("invalid_parameter", "mine", "give either mine or owner_id, not both")
		}
		f.OwnerID = identity(r).User.ID
	}
	if f.Status, err = queryEnum(r, "status", planStatuses); err != nil {
		return f, err
	}
	view, err := queryEnum(r, "view", plan.Views)
	if err != nil {
		return f, err
	}
	if view != "" && f.Status != "" && (view != plan.ViewDone || f.Status == model.PlanOpen) {
		return f, newBadRequest("invalid_parameter", "status", "status "+f.Status+" is not in the "+view+" view")
	}
	if f.DueFrom, err = queryTime(r, "due_from"); err != nil {
		return f, err
	}
	if f.DueTo, err = queryTime(r, "due_to"); err != nil {
		return f, err
	}
	if !f.DueFrom.IsZero() && !f.DueTo.IsZero() && !f.DueTo.After(f.DueFrom) {
		return f, newBadRequest("invalid_parameter", "due_to", "due_to must be later than due_from")
	}
	if f.Limit, err = queryInt(r, "limit", 100, 1, 1000); err != nil {
		return f, err
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		if f.After, err = storage.ParsePlanCursor(c); err != nil {
			return f, newBadRequest("invalid_parameter", "cursor", "cursor must be a next_cursor of an earlier page")
		}
	}
	return h.app.Plans.InView(f, view, identity(r).User.Timezone)
}

// planPage is one page of plans: total counts every match, next_cursor
// asks for the following page (null on the last).
type planPage struct {
	Items      []planOut `json:"items"`
	Total      int       `json:"total"`
	NextCursor *string   `json:"next_cursor"`
}

// listPlans lists a page of the plans the caller may see (their own, their
// team's when they manage it, all for admins), soonest due first (the done
// view: most recently ended first), with the count of all that match.
func (h *handler) listPlans(w http.ResponseWriter, r *http.Request) {
	f, err := h.planFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// One more than the page tells whether another page follows.
	page := f.Limit
	f.Limit++
	items, err := h.app.Plans.List(r.Context(), policy(r), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := planPage{Total: len(items)}
	if len(items) > page {
		items = items[:page]
		c := f.Next(items[page-1]).String()
		out.NextCursor = &c
	}
	if out.NextCursor != nil || f.After != nil {
		if out.Total, err = h.app.Plans.Count(r.Context(), policy(r), f); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	out.Items = plansOf(items, h.app.Plans.Now())
	writeJSON(w, http.StatusOK, out)
}

// plansNeedingReassignment lists the open plans the caller may see whose
// owner can no longer carry them out (lost the right to contact the
// customer, or deactivated), for a manager or admin to reassign.
func (h *handler) plansNeedingReassignment(w http.ResponseWriter, r *http.Request) {
	items, err := h.app.Plans.NeedReassignment(r.Context(), policy(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Plans.FillTopics(r.Context(), items); err != nil {
		h.fail(w, r, err)
		return
	}
	slices.SortStableFunc(items, func(a, b *model.Plan) int { return a.DueAt.Compare(b.DueAt) })
	writeJSON(w, http.StatusOK, listOf(plansOf(items, h.app.Plans.Now())))
}
