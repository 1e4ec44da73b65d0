package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// planCreate adds a plan for each chosen customer. A refused form comes
// back with its errors and nothing is stored. From a dialog the page stays
// (its open plans refresh and a toast links the plan); from the form's own
// page, with or without JavaScript, the browser goes to the plan, or to
// the upcoming plans for several.
func (h *handler) planCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	form := readPlanForm(r)
	d, err := h.planFormLoad(w, r, form.CustomerIDs, "plan.new_title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form = form
	in, err := form.input(d.Loc)
	if err == nil {
		var plans []*model.Plan
		plans, err = h.app.Plans.Create(r.Context(), id.Policy, id.User, in)
		if err == nil {
			h.planCreated(w, r, plans)
			return
		}
	}
	if ve, ok := model.AsValidation(err); ok {
		d.Errors = ve
		h.formFailed(w, r, "plan_form.html", "plan_form", "plan-form", d)
		return
	}
	h.fail(w, r, err)
}

// planCreated answers a successful create.
func (h *handler) planCreated(w http.ResponseWriter, r *http.Request, plans []*model.Plan) {
	next := "/plans?tab=upcoming"
	msg := h.t(r, "plan.created_many", len(plans))
	if len(plans) == 1 {
		next, msg = "/plans/"+strconv.FormatInt(plans[0].ID, 10), h.t(r, "plan.created")
	}
	if !inDialog(r) { // a page of its own moves on, so a second click cannot add the plans again
		setFlash(w, "flash.plan_created")
		h.redirect(w, r, next)
		return
	}
	trigger(w, map[string]any{"closeDialog": true, "plansChanged": true, "toast": toast{Message: msg, Link: next}})
	w.Header().Set("HX-Reswap", "none")
	w.WriteHeader(http.StatusOK)
}
