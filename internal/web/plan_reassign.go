package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// planReassignData is the data of the list of plans to reassign: open
// plans whose owner lost the right to contact the customer or left.
type planReassignData struct {
	base
	Plans  []*model.Plan
	Owners []*model.User
	Errors map[int64]model.ValidationErrors // by plan, after a refused reassignment
}

// planReassignList lists the open plans a manager or admin should hand to
// someone else, each with a choice of the reps they manage.
func (h *handler) planReassignList(w http.ResponseWriter, r *http.Request) {
	d, err := h.planReassignLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "plans_reassign.html", d)
}

func (h *handler) planReassignLoad(w http.ResponseWriter, r *http.Request) (planReassignData, error) {
	id := identity(r)
	if !managesOthers(id.User) {
		return planReassignData{}, model.ErrForbidden
	}
	d := planReassignData{base: h.base(w, r, "plans", "plans.reassign_title")}
	var err error
	if d.Plans, err = h.app.Plans.NeedReassignment(r.Context(), id.Policy); err != nil {
		return d, err
	}
	d.Owners, err = h.managedReps(r.Context(), id.User)
	return d, err
}

// planReassign gives an open plan to another rep the user manages, who
// must be allowed to contact the customer. A refusal comes back on the
// page the form was on (the list, or the plan) with the error by the
// field, and the plan keeps its owner.
func (h *handler) planReassign(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	pid, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	owner := int64(0)
	if o := formID(r, "owner_id"); o != nil {
		owner = *o
	}
	_, err := h.app.Plans.Reassign(r.Context(), id.Policy, pid, owner)
	fromList := r.PostFormValue("from") == "list"
	if ve, ok := model.AsValidation(err); ok {
		if fromList {
			d, lerr := h.planReassignLoad(w, r)
			if lerr != nil {
				h.fail(w, r, lerr)
				return
			}
			d.Errors = map[int64]model.ValidationErrors{pid: ve}
			h.render(w, r, http.StatusBadRequest, "plans_reassign.html", d)
			return
		}
		d, lerr := h.planPage(w, r)
		if lerr != nil {
			h.fail(w, r, lerr)
			return
		}
		d.Errors, d.Open = ve, "reassign"
		h.render(w, r, http.StatusBadRequest, "plan.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.plan_reassigned")
	if fromList {
		h.redirect(w, r, "/plans/reassign")
		return
	}
	h.redirect(w, r, "/plans/"+strconv.FormatInt(pid, 10))
}
