package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// userPassword sets a new password for a user; their sessions end.
func (h *handler) userPassword(w http.ResponseWriter, r *http.Request) {
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
	url := "/admin/users/" + strconv.FormatInt(id, 10)
	err = h.app.Admin.SetPassword(r.Context(), identity(r).Policy, id, r.PostFormValue("password"))
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.userForm(r.Context(), userFormData{base: h.adminBase(w, r, "users", "user.edit_title"), Form: u,
			PasswordErrors: ve, Action: url})
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
	h.saved(w, r, "flash.password_reset", url)
}
