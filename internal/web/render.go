package web

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"touchbase/internal/httpauth"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// contentSecurityPolicy allows only the app's own scripts and styles: the
// templates use no inline script, style or event handler.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// base is the layout data every page embeds: who is signed in, the
// language, the CSRF token, the active navigation entry and the flash.
type base struct {
	Lang  string
	Title string // translated page title
	Nav   string // active section: "customers", "bulk", "settings", "profile"…
	Sub   string // active tab within a section
	User  *model.User
	Admin bool
	CSRF  string
	Flash string // translated one-time message
	Loc   *time.Location
	Path  string // the request URI, where the language switch returns
	// Unread is the user's unread notifications, shown on the bell (which
	// the page keeps current over a live stream).
	Unread int
}

// base builds the layout data of a page. title is a catalog key.
func (h *handler) base(w http.ResponseWriter, r *http.Request, nav, title string) base {
	lang := h.lang(r)
	b := base{Lang: lang, Title: i18n.T(lang, title), Nav: nav, CSRF: h.csrfToken(w, r), Loc: h.location(r),
		Path: returnPath(r)}
	if id := httpauth.From(r.Context()); id != nil {
		b.User, b.Admin = id.User, id.User.IsAdmin()
		n, err := h.app.Notify.UnreadCount(r.Context(), id.User.ID)
		if err != nil {
			h.app.Log.Warn("unread notifications", "user", id.User.ID, "err", err)
		}
		b.Unread = n
	}
	b.Flash = takeFlash(w, r, lang)
	return b
}

// lang is the language of the request: the user's saved preference, else
// the language cookie, else the browser's Accept-Language, else zh-CN.
func (h *handler) lang(r *http.Request) string {
	pref := ""
	if id := httpauth.From(r.Context()); id != nil {
		pref = id.User.Language
	}
	if !i18n.Supported(pref) {
		if c, err := r.Cookie(langCookie); err == nil {
			pref = c.Value
		}
	}
	return i18n.Negotiate(pref, r.Header.Get("Accept-Language"))
}

// render writes a full page from templates/pages/<page>.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	set := h.tmpl.pages[h.lang(r)][page]
	if set == nil {
		h.app.Log.Error("unknown page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.execute(w, status, func(buf *bytes.Buffer) error { return set.ExecuteTemplate(buf, page, data) })
}

// fragment writes one named template from the partials: an htmx swap.
func (h *handler) fragment(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	set := h.tmpl.fragments[h.lang(r)]
	h.execute(w, status, func(buf *bytes.Buffer) error { return set.ExecuteTemplate(buf, name, data) })
}

// view renders the fragment for htmx requests and the page otherwise, so
// a dialog also works as a page of its own (new tab, no JavaScript).
func (h *handler) view(w http.ResponseWriter, r *http.Request, status int, page, fragment string, data any) {
	if isHTMX(r) {
		h.fragment(w, r, status, fragment, data)
		return
	}
	h.render(w, r, status, page, data)
}

// execute renders into a buffer first, so a template error is a clean 500
// rather than half a page. Pages and fragments alike carry the
// Content-Security-Policy: a fragment opened on its own runs no script
// either.
func (h *handler) execute(w http.ResponseWriter, status int, run func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		h.app.Log.Error("render", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck
}

// redirect sends the browser to url after a successful POST: a 303 for a
// plain form, an HX-Redirect for htmx.
func (h *handler) redirect(w http.ResponseWriter, r *http.Request, url string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// isHTMX reports whether htmx made the request and expects a fragment
// (not a boosted link, not a history restore, which want whole pages).
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true"
}

// inDialog reports whether htmx sent the request from inside a dialog
// (the dialogs mark their requests with X-Dialog), rather than from the
// same form opened as a page of its own.
func inDialog(r *http.Request) bool {
	return isHTMX(r) && r.Header.Get("X-Dialog") == "1"
}

// returnPath is where the language switch brings the user back: this page,
// or for a form answered in place (a POST) the page that held the form.
func returnPath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return safeNext(ref.RequestURI(), "/")
	}
	return "/"
}
