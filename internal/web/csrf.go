package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"touchbase/internal/httpauth"
)

// anonCSRFCookie holds the CSRF token of visitors without a session (the
// login form and the language switch): the form must echo the cookie.
const anonCSRFCookie = "touchbase_csrf"

// csrfToken returns the token forms of this page must carry: the session's
// or, for anonymous visitors, the one in anonCSRFCookie (set if missing).
func (h *handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if id := httpauth.From(r.Context()); id != nil {
		if id.Session != nil {
			return id.Session.CSRFToken
		}
		return ""
	}
	if c, err := r.Cookie(anonCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand does not fail
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: anonCSRFCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: h.app.Config.CookieSecure, SameSite: http.SameSiteStrictMode})
	return token
}

// csrfOK checks the CSRF token of a state-changing request: against the
// session for signed-in users, against anonCSRFCookie for anonymous ones.
// A public form (the login) may carry either: a login form opened before
// another user signed in on this browser still logs in, and ends that
// session.
func csrfOK(r *http.Request, level access) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if httpauth.From(r.Context()) != nil {
		return httpauth.CheckCSRF(r) || level == public && anonCSRFOK(r)
	}
	return anonCSRFOK(r)
}

// anonCSRFOK reports whether the request carries the token of its
// anonCSRFCookie.
func anonCSRFOK(r *http.Request) bool {
	c, err := r.Cookie(anonCSRFCookie)
	if err != nil || c.Value == "" {
		return false
	}
	token := r.Header.Get(httpauth.CSRFHeader)
	if token == "" {
		token = r.PostFormValue(httpauth.CSRFField)
	}
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(c.Value)) == 1
}
