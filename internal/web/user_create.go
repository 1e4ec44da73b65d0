package web

import (
	"net/http"

	"touchbase/internal/model"
)

// userCreate adds a user with a first password.
func (h *handler) userCreate(w http.ResponseWriter, r *http.Request) {
	u := &model.User{}
	readUser(r, u, true)
	err := h.app.Admin.CreateUser(r.Context(), identity(r).Policy, u, r.PostFormValue("password"))
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.userForm(r.Context(), userFormData{base: h.adminBase(w, r, "users", "user.new_title"), Form: u,
			Errors: ve, Action: "/admin/users"})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.formFailed(w, r, "user_new.html", "user_form", "user-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.user_created", "/admin/users")
}
