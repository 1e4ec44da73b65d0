package web

import (
	"net/http"

	"touchbase/internal/model"
)

// profileUpdate saves the user's own display name, e-mail, mobile,
// language and time zone.
// profileWeCom turns the user's WeCom application messages on or off.
func (h *handler) profileWeCom(w http.ResponseWriter, r *http.Request) {
	on := r.PostFormValue("enabled") == "on"
	if _, err := h.app.WeCom.SetAppNotify(r.Context(), identity(r).User.ID, on); err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "flash.wecom_notify_off"
	if on {
		flash = "flash.wecom_notify_on"
	}
	h.saved(w, r, flash, "/profile")
}

func (h *handler) profileUpdate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	in := model.User{DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"),
		Mobile: r.PostFormValue("mobile"), Language: r.PostFormValue("language"), Timezone: r.PostFormValue("timezone")}
	self := *id.User
	err := h.app.Admin.UpdateProfile(r.Context(), &self, in)
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.profile(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		form := *id.User
		form.DisplayName, form.Email, form.Mobile, form.Language, form.Timezone = in.DisplayName, in.Email, in.Mobile, in.Language, in.Timezone
		d.Form, d.Errors = &form, ve
		h.render(w, r, http.StatusBadRequest, "profile.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if self.Language != "" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: self.Language, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: h.app.Config.CookieSecure, SameSite: http.SameSiteLaxMode})
	}
	h.saved(w, r, "flash.profile_saved", "/profile")
}
