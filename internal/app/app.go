// Package app wires Touchbase's services together once, at start-up, so the
// web UI, the JSON API and the CLI share one set of services built from one
// store. It holds no global state: the App is passed to whoever needs it.
package app

import (
	"log/slog"

	"touchbase/internal/admin"
	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/contact"
	"touchbase/internal/httpauth"
	"touchbase/internal/storage"
)

// App is the set of services of one process.
type App struct {
	Config   config.Options
	Log      *slog.Logger
	Store    *storage.Store
	Auth     *auth.Service
	Contacts *contact.Service
	Admin    *admin.Service
	Resolver *httpauth.Resolver
}

// New builds the services on store.
func New(cfg config.Options, log *slog.Logger, store *storage.Store) *App {
	a := &App{
		Config:   cfg,
		Log:      log,
		Store:    store,
		Auth:     auth.NewService(store),
		Contacts: contact.NewService(store),
		Admin:    admin.NewService(store),
	}
	a.Resolver = &httpauth.Resolver{Auth: a.Auth, Store: store, Log: log, Secure: cfg.CookieSecure}
	return a
}
