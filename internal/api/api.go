// Package api serves Touchbase's JSON API under /api/v1.
package api

import (
	"net/http"

	"touchbase/internal/app"
)

// New returns the handler of every /api/v1 endpoint.
func New(a *app.App) http.Handler {
	mux := http.NewServeMux()
	return mux
}
