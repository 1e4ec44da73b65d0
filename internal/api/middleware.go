package api

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"

	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// passwordDue are the routes open to a user an admin requires to choose a
// new password: who they are (with the CSRF token a cookie caller needs)
// and the change itself. Their session or token is good for nothing else
// until then, whichever way it was obtained.
var passwordDue = map[string]bool{"GET /me": true, "PUT /me/password": true}

// wrap guards one route: anonymous callers of a non-public route get 401
// (token_expired for an expired token), bearer callers whose token's scope
// falls short of what the route needs and its user could do get 403 (a
// rep's token on an admin route gets the rep's own answer), cookie callers
// changing data from another site (Origin, Sec-Fetch-Site) or without the
// CSRF header get 403, so do users who must
// first choose a new password (but on passwordDue), and the body is capped
// at maxBody.
func (h *handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !rt.Public {
			id := httpauth.From(r.Context())
			if id == nil {
				h.fail(w, r, cmp.Or(httpauth.Failure(r.Context()), model.ErrUnauthenticated))
				return
			}
			if id.Token != nil && !id.Token.Scope.Allows(rt.Scope) && model.MaxScope(id.User).Allows(rt.Scope) {
				insufficientScope(w, rt, id.Token.Scope)
				return
			}
			if !id.Bearer && !safeMethod(r) && httpauth.CrossSite(r, h.app.Config.BaseURL) {
				writeError(w, http.StatusForbidden, errorBody{Code: "cross_origin",
					Message: "requests made with the session cookie must come from Touchbase's own pages, not another site"})
				return
			}
			if !csrfOK(r, id) {
				writeError(w, http.StatusForbidden, errorBody{Code: "csrf",
					Message: "requests made with the session cookie need the " + httpauth.CSRFHeader + " header"})
				return
			}
			if id.User.MustChangePassword && !passwordDue[rt.Method+" "+rt.Path] {
				writeError(w, http.StatusForbidden, errorBody{Code: "password_change_required",
					Message: "an administrator requires you to choose a new password first: PUT " + Prefix + "/me/password"})
				return
			}
		}
		if r.Body != nil {
			limit := int64(maxBody)
			if rt.Path == "/imports/customers" {
				limit = maxImportBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		rt.Handle(h, w, r)
	})
}

// insufficientScope answers a bearer call its token's scope does not
// cover: 403, naming the scope it has and the one it needs (RFC 6750).
func insufficientScope(w http.ResponseWriter, rt route, has model.TokenScope) {
	w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+string(rt.Scope)+`"`)
	writeError(w, http.StatusForbidden, errorBody{Code: "insufficient_scope",
		Message: fmt.Sprintf("this token's scope is %s (%s); %s %s needs a token with scope %s",
			has, scopeMeaning[has], rt.Method, Prefix+rt.Path, rt.Scope)})
}

// scopeMeaning says what a token of each scope may do.
var scopeMeaning = map[model.TokenScope]string{
	model.ScopeRead:    "read-only: it may read and preview but not change or send anything",
	model.ScopeContact: "it may do what a rep does, not administer",
	model.ScopeAdmin:   "it may do everything its admin may",
}

// csrfOK reports whether a request may go on: safe methods and bearer
// calls always may; cookie calls changing data must carry the CSRF header
// (never a form field: API bodies are JSON).
func csrfOK(r *http.Request, id *httpauth.Identity) bool {
	if safeMethod(r) || id.Bearer {
		return true
	}
	if r.Header.Get(httpauth.CSRFHeader) == "" {
		return false
	}
	return httpauth.CheckCSRF(r)
}

// unmatched answers paths under Prefix that no route serves: 405 with an
// Allow header when the path exists for other methods, else 404.
func (h *handler) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != Prefix+"/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, errorBody{Code: "method_not_allowed",
				Message: r.Method + " is not allowed here; use " + strings.Join(allow, ", ")})
			return
		}
		writeError(w, http.StatusNotFound, errorBody{Code: "not_found", Message: "no such endpoint"})
	})
}

// identity returns the caller of an authenticated route.
func identity(r *http.Request) *httpauth.Identity { return httpauth.From(r.Context()) }

// policy returns the caller's permission policy.
func policy(r *http.Request) permission.Policy { return identity(r).Policy }

// safeMethod reports a method that changes nothing.
func safeMethod(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
