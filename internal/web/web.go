// Package web serves Touchbase's server-rendered pages: html/template with
// htmx, every template and asset embedded in the binary. Templates are
// parsed once at start, assets are served under checksummed URLs, and all
// routes are listed in routes.go. Handlers parse the request, call a
// service, and render a page or an htmx fragment.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"time"

	"touchbase/internal/app"
)

//go:embed static templates
var content embed.FS

// handler holds what every page handler needs.
type handler struct {
	app    *app.App
	assets *assets
	tmpl   *templates
	// unsubLimit rate-limits the unsubscribe links per client address.
	unsubLimit *clientLimit
	// patterns are the routes' patterns, as routes registered them.
	patterns []string
}

// New parses the templates, fingerprints the assets and returns the
// handler of every page. It expects the identity middleware
// (httpauth.Resolver.Middleware) in front of it.
func New(a *app.App) (http.Handler, error) {
	static, err := fs.Sub(content, "static")
	if err != nil {
		return nil, err
	}
	as, err := loadAssets(static)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplates(content, as)
	if err != nil {
		return nil, err
	}
	h := &handler{app: a, assets: as, tmpl: tmpl, unsubLimit: newClientLimit(unsubscribePerMinute, time.Minute)}
	return h.routes(), nil
}
