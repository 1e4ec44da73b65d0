package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// userUpdate saves a user's profile, role, team, language and status.
func (h *handler) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	u, err := h.app.Admin.User(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	readUser(r, u, false)
	err = h.app.Admin.UpdateUser(r.Context(), identity(r).Policy, u)
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.userForm(r.Context(), userFormData{base: h.adminBase(w, r, "users", "user.edit_title"), Form: u,
			Errors: ve, Action: "/admin/users/" + strconv.FormatInt(id, 10)})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusBadRequest, "user_edit.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.user_saved", "/admin/users")
}
