// Package api serves Touchbase's JSON API under /api/v1, for host CRMs that
// sync customers and contacts and for scripts and the web UI's own calls.
//
// Callers authenticate with an "Authorization: Bearer" API token (issued by
// POST /api/v1/tokens) or with the web session cookie; with the cookie, every
// request that changes data must carry the session's CSRF token in the
// X-CSRF-Token header. A token has a scope (read, contact, admin) and each
// route the scope it needs (routes.go): a call beyond the scope is a 403
// insufficient_scope; an expired token is a 401 token_expired. The identity
// middleware of internal/httpauth has run before any handler here.
//
// All routes are listed in routes.go; each handler parses the request, calls
// one service and writes the answer. Errors are JSON objects
//
//	{"error": {"code": "...", "message": "...", "field": "...", "fields": [...]}}
//
// with the status mapped from the model's error values (see errors.go). A 4xx
// answer never changes data. Updates come in two forms: PUT replaces every
// writable field (absent fields take their defaults) and PATCH changes only
// the fields present in the body. Live streams (a bulk send's progress, the
// caller's notifications) are Server-Sent Events. The OpenAPI 3
// description is served at GET /api/v1/openapi.json.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"touchbase/internal/app"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// handler carries the services every action needs.
type handler struct {
	app *app.App
	log *slog.Logger
	// tick is how often a bulk send's event stream reads its progress;
	// heartbeat how long a stream stays silent before a comment is sent.
	tick, heartbeat time.Duration
}

// New returns the handler of every /api/v1 endpoint. It expects the
// identity middleware (app.Resolver.Middleware) to run before it.
func New(a *app.App) http.Handler {
	log := a.Log
	if log == nil {
		log = slog.Default()
	}
	return newMux(&handler{app: a, log: log, tick: progressEvery, heartbeat: heartbeatEvery})
}

// newMux mounts every route of h.
func newMux(h *handler) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+Prefix+rt.Path, h.wrap(rt))
	}
	mux.Handle(Prefix+"/", h.unmatched(mux))
	return mux
}
