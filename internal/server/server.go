// Package server runs Touchbase's HTTP server: it mounts the JSON API under
// /api/v1 and the web UI under /, adds /healthz, /readyz and /metrics,
// request logging, metrics, panic recovery and security headers, and shuts
// down gracefully.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"touchbase/internal/app"
	"touchbase/internal/callback"
	"touchbase/internal/metrics"
)

// Server is the HTTP front of one process.
type Server struct {
	app     *app.App
	handler http.Handler
	ready   func(context.Context) error
}

// New builds the server's handler tree around the API and web handlers.
func New(a *app.App, api, web http.Handler) *Server {
	s := &Server{app: a, ready: a.Store.Ping}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n")) //nolint:errcheck
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	if a.Config.MetricsAddr == "" {
		mux.Handle("GET /metrics", a.Metrics.Handler(a.Config.MetricsToken))
	}
	// Provider callbacks carry their own credentials: no session.
	mux.Handle("/callbacks/", noteRoute(callback.New(a.Receipts, a.Replies, callback.Options{BaseURL: a.Config.BaseURL, Log: a.Log, WeCom: a.WeCom})))
	mux.Handle("/api/v1/", a.Resolver.Middleware(noteRoute(api)))
	mux.Handle("/", a.Resolver.SessionMiddleware(noteRoute(web)))
	s.handler = s.recoverer(forwardedFor(a.Config.TrustedProxies, s.logRequests(securityHeaders(mux))))
	return s
}

// Handler returns the root handler (for tests).
func (s *Server) Handler() http.Handler { return s.handler }

// MetricsHandler is the handler of the separate metrics listener
// (TOUCHBASE_METRICS_ADDR): /metrics and the Go profiler under
// /debug/pprof/, both behind TOUCHBASE_METRICS_TOKEN when it is set.
func MetricsHandler(a *app.App) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler(""))
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	if a.Config.MetricsToken == "" {
		return mux
	}
	return metrics.RequireToken(a.Config.MetricsToken, mux)
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n")) //nolint:errcheck
}

// Serve answers on ln until ctx is cancelled, then stops accepting, waits up
// to the configured grace period for in-flight requests, and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ErrorLog:          slog.NewLogLogger(s.app.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.app.Log.Info("shutting down", "grace", s.app.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.app.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
