package web

import (
	"net/http"

	"touchbase/internal/i18n"
)

// setLanguage switches the UI language: a cookie for everyone, and the
// saved preference of a signed-in user.
func (h *handler) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	back := safeNext(r.PostFormValue("return"), "/")
	if !i18n.Supported(lang) {
		h.redirect(w, r, back)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: h.app.Config.CookieSecure, SameSite: http.SameSiteLaxMode})
	if id := identity(r); id != nil && id.User.Language != lang {
		in := *id.User
		in.Language = lang
		if err := h.app.Admin.UpdateProfile(r.Context(), id.User, in); err != nil {
			h.app.Log.Warn("save language preference", "user", id.User.ID, "err", err)
		}
	}
	h.redirect(w, r, back)
}
