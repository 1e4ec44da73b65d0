// Package web serves Touchbase's server-rendered pages.
package web

import (
	"net/http"

	"touchbase/internal/app"
)

// New returns the handler of every page.
func New(a *app.App) (http.Handler, error) {
	mux := http.NewServeMux()
	return mux, nil
}
