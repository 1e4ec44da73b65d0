package web

import (
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/model"
)

// planCancel withdraws an open plan, with an optional reason; a recurring
// plan's series ends.
func (h *handler) planCancel(w http.ResponseWriter, r *http.Request) {
	h.planEnd(w, r, "cancel")
}

// planClose ends an open plan without a contact; the reason is required.
// A recurring plan rolls to its next occurrence.
func (h *handler) planClose(w http.ResponseWriter, r *http.Request) {
	h.planEnd(w, r, "close")
}

func (h *handler) planEnd(w http.ResponseWriter, r *http.Request, action string) {
	ctx, id := r.Context(), identity(r)
	pid, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var err error
	flash := "flash.plan_cancelled"
	if action == "cancel" {
		err = h.app.Plans.Cancel(ctx, id.Policy, pid, reason)
	} else {
		flash = "flash.plan_closed"
		_, err = h.app.Plans.Close(ctx, id.Policy, pid, reason)
	}
	if ve, ok := model.AsValidation(err); ok {
		d, lerr := h.planPage(w, r)
		if lerr != nil {
			h.fail(w, r, lerr)
			return
		}
		d.Errors, d.Reason, d.Open = ve, reason, action
		h.render(w, r, http.StatusBadRequest, "plan.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, flash)
	h.redirect(w, r, "/plans/"+strconv.FormatInt(pid, 10))
}
