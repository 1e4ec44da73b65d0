package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Server-Sent Events: how often a quiet stream sends a comment, so proxies
// and the browser keep it open, how long one stream lasts before the
// browser is asked to reconnect, and how soon it reconnects.
const (
	sseHeartbeat = 25 * time.Second
	sseLifetime  = 30 * time.Minute
	sseRetry     = 3 * time.Second
)

// sseStream writes Server-Sent Events, flushing each one.
type sseStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startSSE answers with an event stream. It fails when the connection
// cannot flush (a writer in between that buffers).
func startSSE(w http.ResponseWriter) (*sseStream, error) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer
	w.WriteHeader(http.StatusOK)
	s := &sseStream{w: w, rc: http.NewResponseController(w)}
	fmt.Fprintf(w, "retry: %d\n\n", sseRetry.Milliseconds())
	return s, s.rc.Flush()
}

// event sends one event whose data is v as JSON (one line: JSON escapes
// newlines).
func (s *sseStream) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	return s.rc.Flush()
}

// comment sends a comment line, which clients ignore: a heartbeat.
func (s *sseStream) comment(text string) error {
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return err
	}
	return s.rc.Flush()
}
