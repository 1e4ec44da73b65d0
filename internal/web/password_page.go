package web

import (
	"net/http"

	"touchbase/internal/model"
)

// passwordData is the data of the change-password page.
type passwordData struct {
	base
	Errors model.ValidationErrors
}

// passwordPage shows the change-password form on its own: where users go
// while an admin requires them to choose a new password, before anything
// else.
func (h *handler) passwordPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "password.html", passwordData{base: h.base(w, r, "", "password.heading")})
}

// toPasswordChange sends a user who must choose a new password to the
// change-password page, from any other page.
func (h *handler) toPasswordChange(w http.ResponseWriter, r *http.Request) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", passwordPath)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	http.Redirect(w, r, passwordPath, http.StatusSeeOther)
}

// passwordPath is the change-password page.
const passwordPath = "/password"
