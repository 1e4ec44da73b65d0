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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"touchbase/internal/app"
	"touchbase/internal/callback"
)

// Server is the HTTP front of one process.
type Server struct {
	app     *app.App
	handler http.Handler
	metrics *metrics
	ready   func(context.Context) error
}

// New builds the server's handler tree around the API and web handlers.
func New(a *app.App, api, web http.Handler) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	s := &Server{app: a, metrics: m, ready: a.Store.Ping}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n")) //nolint:errcheck
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	// Provider callbacks carry their own credentials: no session.
	mux.Handle("/callbacks/", callback.New(a.Receipts, a.Replies, callback.Options{BaseURL: a.Config.BaseURL, Log: a.Log}))
	mux.Handle("/api/v1/", a.Resolver.Middleware(api))
	mux.Handle("/", a.Resolver.Middleware(web))
	s.handler = s.recoverer(forwardedFor(a.Config.TrustedProxies, s.logRequests(securityHeaders(mux))))
	return s
}

// Handler returns the root handler (for tests).
func (s *Server) Handler() http.Handler { return s.handler }

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
