package web

import (
	"net/http"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

// profilePassword changes the user's own password after checking the
// current one. Every session of the user ends and every API token of
// theirs is revoked; this browser gets a new session.
func (h *handler) profilePassword(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	var errs model.ValidationErrors
	if ok, err := auth.CheckPassword(id.User.PasswordHash, r.PostFormValue("current_password")); err != nil || !ok {
		errs.Add("current_password", "wrong_password", "the current password is wrong")
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "mismatch", "the passwords differ")
	}
	if len(errs) == 0 {
		err := h.app.Admin.SetPassword(r.Context(), id.Policy, id.User.ID, pw)
		if ve, ok := model.AsValidation(err); ok {
			errs = ve
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		d, err := h.profile(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.PasswordErrors = errs
		h.render(w, r, http.StatusBadRequest, "profile.html", d)
		return
	}
	sid, sess, err := h.app.Auth.StartSession(r.Context(), id.User, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.app.Resolver.SetCookie(w, sid, sess)
	h.saved(w, r, "flash.password_changed", "/profile")
}
