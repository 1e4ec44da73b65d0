// Package httpauth resolves who is making an HTTP request — from the session
// cookie or, for the API, an "Authorization: Bearer" API token — and puts
// the user, the session or token and the permission policy in the request
// context, for the web and API handlers alike. It also owns the session
// cookie and CSRF checks.
package httpauth

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// CookieName is the session cookie.
const CookieName = "touchbase_session"

// CSRFHeader carries the CSRF token on htmx and API requests made with a
// session cookie; forms send the CSRFField instead.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// Identity is the authenticated caller of a request.
type Identity struct {
	User    *model.User
	Session *model.Session  // nil for bearer-token calls
	Token   *model.APIToken // the bearer token, nil for session calls
	Policy  permission.Policy
	Bearer  bool
}

type (
	ctxKey     struct{}
	failureKey struct{}
)

// Failure returns why the credentials of an anonymous request were
// refused (auth.ErrTokenExpired, model.ErrUnauthenticated), or nil when
// it brought none.
func Failure(ctx context.Context) error {
	err, _ := ctx.Value(failureKey{}).(error)
	return err
}

// From returns the request's identity, or nil when anonymous.
func From(ctx context.Context) *Identity {
	id, _ := ctx.Value(ctxKey{}).(*Identity)
	return id
}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// Resolver loads identities.
type Resolver struct {
	Auth   *auth.Service
	Store  *storage.Store
	Log    *slog.Logger
	Secure bool // set the cookie's Secure flag
}

// Middleware resolves the identity of every request, from a bearer token
// or the session cookie (the API's callers). Requests without valid
// credentials pass through anonymous, with the reason in Failure; the
// handlers decide what anonymous callers may do (login page, 401).
func (rv *Resolver) Middleware(next http.Handler) http.Handler { return rv.middleware(next, true) }

// SessionMiddleware is Middleware for the web UI: only the session cookie
// counts, so a bearer token never reaches a page or a form.
func (rv *Resolver) SessionMiddleware(next http.Handler) http.Handler {
	return rv.middleware(next, false)
}

func (rv *Resolver) middleware(next http.Handler, bearer bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := rv.resolve(r, bearer)
		switch {
		case errors.Is(err, model.ErrUnauthenticated):
			r = r.WithContext(context.WithValue(r.Context(), failureKey{}, err))
		case err != nil:
			rv.Log.Error("resolve identity", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		case id != nil:
			r = r.WithContext(WithIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

func (rv *Resolver) resolve(r *http.Request, bearer bool) (*Identity, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" && bearer {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, model.ErrUnauthenticated
		}
		u, t, err := rv.Auth.APIToken(ctx, strings.TrimSpace(secret), ClientIP(r))
		if err != nil {
			return nil, err
		}
		return rv.identity(ctx, &Identity{User: u, Token: t, Bearer: true})
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, nil
	}
	sess, u, err := rv.Auth.Session(ctx, c.Value)
	if err != nil {
		return nil, err
	}
	return rv.identity(ctx, &Identity{User: u, Session: sess})
}

// identity completes id with the policy of its user.
func (rv *Resolver) identity(ctx context.Context, id *Identity) (*Identity, error) {
	st, err := rv.Store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	id.Policy = permission.For(id.User, st)
	return id, nil
}

// SetCookie writes the cookie of a new session; the browser keeps it until
// the session's absolute end.
func (rv *Resolver) SetCookie(w http.ResponseWriter, sessionID string, sess *model.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: sessionID, Path: "/", HttpOnly: true, Secure: rv.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: max(1, int(time.Until(sess.EndsAt)/time.Second)),
	})
}

// ClearCookie removes the session cookie.
func (rv *Resolver) ClearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: rv.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SessionID returns the raw session id from the request's cookie.
func SessionID(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// CheckCSRF reports whether a state-changing request made with a session
// cookie carries the session's CSRF token (header or form field). Safe
// methods and bearer-token requests need none.
func CheckCSRF(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	id := From(r.Context())
	if id == nil || id.Bearer {
		return true
	}
	token := r.Header.Get(CSRFHeader)
	if token == "" {
		token = r.PostFormValue(CSRFField)
	}
	return auth.CheckCSRF(id.Session, token)
}

// ClientIP returns the client's address: the connection's peer, or, behind
// a trusted reverse proxy (TOUCHBASE_TRUSTED_PROXIES), the client the
// server found in X-Forwarded-For.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// CrossSite reports whether the browser says a request comes from another
// site: its Origin names a host other than the request's own and the
// public base URL's (an opaque "null" origin included), or, without an
// Origin, Sec-Fetch-Site says cross-site. Requests from tools send
// neither and are not cross-site; they are left to the CSRF token.
func CrossSite(r *http.Request, baseURL string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return r.Header.Get("Sec-Fetch-Site") == "cross-site"
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return true
	}
	if strings.EqualFold(u.Host, r.Host) {
		return false
	}
	b, err := url.Parse(baseURL)
	return err != nil || b.Host == "" || !strings.EqualFold(u.Host, b.Host)
}
