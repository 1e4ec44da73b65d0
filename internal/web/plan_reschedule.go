package web

import (
	"net/http"

	"touchbase/internal/model"
)

// planReschedule moves an open plan to a new due time and reminder (the
// old reminder is dropped, a new one scheduled). A refused time comes back
// as the form with its error.
func (h *handler) planReschedule(w http.ResponseWriter, r *http.Request) {
	d, err := h.planEditLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form, d.Reschedule = planFormOf(d.Plan, d.Loc), true
	if r.Method == http.MethodGet {
		h.view(w, r, http.StatusOK, "plan_reschedule.html", "plan_reschedule_dialog", d)
		return
	}
	f := readPlanForm(r)
	d.Form.DueAt, d.Form.Remind, d.Form.RemindCustom = f.DueAt, f.Remind, f.RemindCustom
	var errs model.ValidationErrors
	due, remind := f.due(d.Loc, &errs), f.remind(&errs)
	if due.IsZero() && len(errs) == 0 {
		errs.Add("due_at", "required", "due time is required")
	}
	err = errs.Err()
	if err == nil {
		err = h.app.Plans.Reschedule(r.Context(), identity(r).Policy, d.Plan.ID, due, remind)
	}
	if ve, ok := model.AsValidation(err); ok {
		d.Errors = ve
		h.formFailed(w, r, "plan_reschedule.html", "plan_reschedule_form", "plan-reschedule-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.plan_rescheduled")
	h.redirect(w, r, d.Back())
}
