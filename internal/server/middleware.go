package server

import (
	"context"
	"net/http"
	"runtime/debug"
	"time"
)

// routeKey carries a *routeNote from logRequests to noteRoute.
type routeKey struct{}

// routeNote is the route pattern of a request as the innermost mux matched
// it. The API and web muxes see a copy of the request made after the
// identity middleware, so the pattern they set never reaches the copy
// logRequests holds; noteRoute passes it out.
type routeNote struct{ pattern string }

// noteRoute wraps a mux so that logRequests learns the pattern it matched.
func noteRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if n, ok := r.Context().Value(routeKey{}).(*routeNote); ok && r.Pattern != "" {
			n.pattern = r.Pattern
		}
	})
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush for streaming (SSE).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		note := &routeNote{}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, note))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := note.pattern
		if route == "" {
			route = r.Pattern
		}
		if route == "" {
			route = "unmatched"
		}
		s.app.Metrics.Request(route, r.Method, sw.status, d)
		s.app.Log.Debug("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
			"bytes", sw.bytes, "duration", d)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.app.Log.Error("panic", "path", r.URL.Path, "value", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
