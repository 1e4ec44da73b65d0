package web

import (
	"net/http"

	"touchbase/internal/model"
)

// profilePassword changes the user's own password after checking the
// current one, from the profile page or the change-password page (where
// its errors show while an admin requires the change). Every session of
// the user ends and every API token of theirs is revoked; this browser
// gets a new session.
func (h *handler) profilePassword(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	var errs model.ValidationErrors
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password_confirm") {
		errs.Add("password_confirm", "mismatch", "the passwords differ")
	} else {
		err := h.app.Admin.ChangeOwnPassword(r.Context(), id.User, r.PostFormValue("current_password"), pw)
		if ve, ok := model.AsValidation(err); ok {
			errs = ve
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 && id.User.MustChangePassword {
		h.render(w, r, http.StatusBadRequest, "password.html",
			passwordData{base: h.base(w, r, "", "password.heading"), Errors: errs})
		return
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
	if id.User.MustChangePassword { // the change an admin required: on to work
		h.saved(w, r, "flash.password_changed", "/")
		return
	}
	h.saved(w, r, "flash.password_changed", "/profile")
}
