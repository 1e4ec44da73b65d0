package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/auth"
	"touchbase/internal/httpauth"
)

// login checks the credentials, starts a session with a new id, sets its
// cookie and goes on to the page the user asked for, or to the
// change-password page when an admin requires a new password. The session
// this browser held before, whoever's it was, ends.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	next := safeNext(r.PostFormValue("next"), "/")
	u, err := h.app.Auth.Login(r.Context(), username, r.PostFormValue("password"), httpauth.ClientIP(r))
	if err != nil {
		data := loginData{base: h.base(w, r, "", "login.title"), Username: username, Next: next}
		status := http.StatusUnauthorized
		var te *auth.ThrottledError
		switch {
		case errors.As(err, &te):
			data.Error, data.Wait, status = "login.throttled", te.Seconds(), http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(data.Wait))
		case errors.Is(err, auth.ErrBadCredentials):
			data.Error = "login.bad_credentials"
		default:
			h.fail(w, r, err)
			return
		}
		h.render(w, r, status, "login.html", data)
		return
	}
	sid, sess, err := h.app.Auth.StartSession(r.Context(), u, httpauth.SessionID(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.app.Resolver.SetCookie(w, sid, sess)
	if u.MustChangePassword {
		next = passwordPath
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
