package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"touchbase/internal/httpauth"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// fail maps a service error to its page: 404 for missing or invisible
// objects, 403 for forbidden actions, the login page for a lost session,
// 500 (logged) for everything else.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, model.ErrNotFound):
		h.errorPage(w, r, http.StatusNotFound)
	case errors.Is(err, model.ErrForbidden):
		h.errorPage(w, r, http.StatusForbidden)
	case errors.Is(err, model.ErrUnauthenticated):
		h.toLogin(w, r)
	case errors.Is(err, model.ErrConflict):
		h.errorPage(w, r, http.StatusConflict)
	default:
		if _, ok := model.AsValidation(err); ok {
			h.errorPage(w, r, http.StatusBadRequest)
			return
		}
		h.app.Log.Error("web handler", "method", r.Method, "path", r.URL.Path, "err", err)
		h.errorPage(w, r, http.StatusInternalServerError)
	}
}

// errorData is the data of the error page.
type errorData struct {
	base
	Status int
	Key    string // catalog prefix: errorpage.404…
}

// errorPage renders the page for an HTTP error status. htmx requests get a
// toast instead, and nothing is swapped.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	key := errorKey(status)
	if isHTMX(r) {
		w.Header().Set("HX-Reswap", "none")
		trigger(w, map[string]any{"toast": toast{Message: i18n.T(h.lang(r), key+".title"), Kind: "error"}})
		w.WriteHeader(status)
		return
	}
	h.render(w, r, status, "error.html", errorData{base: h.base(w, r, "", key+".title"), Status: status, Key: key})
}

// errorKey is the catalog prefix of an error status: errorpage.404…
func errorKey(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict,
		http.StatusRequestEntityTooLarge:
		return "errorpage." + strconv.Itoa(status)
	}
	return "errorpage.500"
}

// notFound answers every path no route matches.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound)
}

// toLogin sends an anonymous visitor to the login page, remembering where
// they were going.
func (h *handler) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if isHTMX(r) {
		if cur, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && cur.Path != "" {
			next = cur.RequestURI()
		}
		w.Header().Set("HX-Redirect", "/login?next="+url.QueryEscape(next))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		next = "/"
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// identity returns the identity of a request that passed the guard.
func identity(r *http.Request) *httpauth.Identity { return httpauth.From(r.Context()) }
