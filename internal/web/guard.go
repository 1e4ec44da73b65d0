package web

import (
	"net/http"

	"touchbase/internal/httpauth"
)

// access is who may reach a route.
type access int

const (
	public      access = iota // anyone
	passwordDue               // any active signed-in user, even one who must first choose a new password
	signedIn                  // any active signed-in user who need not choose a new password first
	adminOnly                 // administrators; others get the 403 page
)

// Request body limits: forms, and the CSV upload of the import page.
const (
	formLimit   = 1 << 20
	uploadLimit = 32 << 20
)

// guard wraps a route: it bounds the body, sends anonymous visitors (and
// any caller without a browser session) to the login page, refuses
// state-changing requests the browser marks as coming from another site,
// checks the CSRF token of every state-changing request, sends users an admin requires to
// choose a new password to the change-password page, and keeps non-admins
// out of admin routes.
func (h *handler) guard(level access, limit int64, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			h.errorPage(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		id := httpauth.From(r.Context())
		if id != nil && id.Session == nil {
			// Pages and forms are for browser sessions: an API token
			// (which the server never resolves here) would skip the CSRF
			// check and its own scope.
			id = nil
			r = r.WithContext(httpauth.WithIdentity(r.Context(), nil))
		}
		if level >= passwordDue && (id == nil || !id.User.Active) {
			h.toLogin(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && httpauth.CrossSite(r, h.app.Config.BaseURL) {
			h.app.Log.Warn("cross-site form refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
			h.errorPage(w, r, http.StatusForbidden)
			return
		}
		if !csrfOK(r, level) {
			h.app.Log.Warn("csrf check failed", "method", r.Method, "path", r.URL.Path)
			h.errorPage(w, r, http.StatusForbidden)
			return
		}
		if level >= signedIn && id.User.MustChangePassword {
			h.toPasswordChange(w, r)
			return
		}
		if level == adminOnly && !id.User.IsAdmin() {
			h.errorPage(w, r, http.StatusForbidden)
			return
		}
		next(w, r)
	})
}
