package web

import (
	"net/http"
	"strconv"
)

// userEdit shows a user's page: profile, role, team and status, and a
// password reset.
func (h *handler) userEdit(w http.ResponseWriter, r *http.Request) {
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
	d, err := h.userForm(r.Context(), userFormData{base: h.adminBase(w, r, "users", "user.edit_title"), Form: u,
		Action: "/admin/users/" + strconv.FormatInt(id, 10)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "user_edit.html", d)
}
