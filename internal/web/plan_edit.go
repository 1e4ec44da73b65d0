package web

import (
	"net/http"

	"touchbase/internal/model"
)

// planEdit shows the form of an open plan.
func (h *handler) planEdit(w http.ResponseWriter, r *http.Request) {
	d, err := h.planEditLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form = planFormOf(d.Plan, d.Loc)
	h.view(w, r, http.StatusOK, "plan_form.html", "plan_dialog", d)
}

// planUpdate saves an edited plan; a refused form comes back with its
// errors and the plan is left as it was.
func (h *handler) planUpdate(w http.ResponseWriter, r *http.Request) {
	d, err := h.planEditLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form = readPlanForm(r)
	e, err := d.Form.edit(d.Loc)
	if err == nil {
		_, err = h.app.Plans.Update(r.Context(), identity(r).Policy, d.Plan.ID, e)
	}
	if ve, ok := model.AsValidation(err); ok {
		d.Errors = ve
		h.formFailed(w, r, "plan_form.html", "plan_form", "plan-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.plan_saved")
	h.redirect(w, r, d.Back())
}

// planEditLoad loads the open plan named by the path with its form's
// choices; an ended plan cannot be edited (409).
func (h *handler) planEditLoad(w http.ResponseWriter, r *http.Request) (planFormData, error) {
	pid, ok := pathID(r, "id")
	if !ok {
		return planFormData{}, model.ErrNotFound
	}
	pl, err := h.app.Plans.Get(r.Context(), identity(r).Policy, pid)
	if err != nil {
		return planFormData{}, err
	}
	if pl.Status != model.PlanOpen {
		return planFormData{}, model.ErrConflict
	}
	d, err := h.planFormLoad(w, r, []int64{pl.CustomerID}, "plan.edit_title")
	d.Plan, d.Owners = pl, nil
	return d, err
}
