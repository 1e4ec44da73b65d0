package web

import (
	"net/http"

	"touchbase/internal/httpauth"
)

// logout ends the session and clears its cookie.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if sid := httpauth.SessionID(r); sid != "" {
		if err := h.app.Auth.EndSession(r.Context(), sid); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.app.Resolver.ClearCookie(w)
	h.redirect(w, r, "/login")
}
