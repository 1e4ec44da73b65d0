package web

import (
	"net/http"
	"time"

	"touchbase/internal/httpauth"
)

// Limits of the unsubscribe links: the one-click form is a few bytes, and
// a client address may follow a few dozen links a minute.
const (
	unsubscribeBodyLimit = 4 << 10
	unsubscribePerMinute = 30
)

// oneClick wraps the routes of unsubscribe links (RFC 8058). They take no
// session and no CSRF token, on purpose: a mail provider posts the
// one-click form without either, and the signed token in the path is the
// only credential. The body is bounded and each client address is
// rate-limited.
func (h *handler) oneClick(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > unsubscribeBodyLimit {
			h.unsubscribeAnswer(w, r, http.StatusRequestEntityTooLarge, unsubscribeInvalid, "")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, unsubscribeBodyLimit)
		if !h.unsubLimit.allow(httpauth.ClientIP(r), time.Now()) {
			h.unsubscribeAnswer(w, r, http.StatusTooManyRequests, unsubscribeLimited, "")
			return
		}
		next(w, r)
	})
}
