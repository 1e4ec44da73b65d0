package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// mediaSSE is the media type of Server-Sent Events streams.
const mediaSSE = "text/event-stream"

// Stream timings: how often a bulk send's progress is read, and how long a
// stream may stay silent before a comment keeps proxies from closing it.
const (
	progressEvery  = time.Second
	heartbeatEvery = 25 * time.Second
)

// writeWait bounds one write to a stream, so a client that stopped reading
// does not hold the handler forever.
const writeWait = 30 * time.Second

// sse writes one Server-Sent Events stream, flushing after every event.
type sse struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	last time.Time // of the last write
}

// startSSE answers 200 with the stream's headers and flushes them, so the
// client knows it is connected before the first event.
func startSSE(w http.ResponseWriter) (*sse, error) {
	h := w.Header()
	h.Set("Content-Type", mediaSSE)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &sse{w: w, rc: http.NewResponseController(w)}
	return s, s.write("retry: 3000\n\n")
}

// event writes one event named name whose data is v as JSON.
func (s *sse) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.write(fmt.Sprintf("event: %s\ndata: %s\n\n", name, b))
}

// heartbeat writes a comment when nothing was written for heartbeatEvery
// (or every is zero).
func (s *sse) heartbeat(every time.Duration) error {
	if every > 0 && time.Since(s.last) < every {
		return nil
	}
	return s.write(": ping\n\n")
}

// end clears the write deadline, so a connection kept alive for further
// requests is not cut by a deadline set for this stream.
func (s *sse) end() { _ = s.rc.SetWriteDeadline(time.Time{}) }

func (s *sse) write(text string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(writeWait)) // not every writer supports deadlines
	if _, err := fmt.Fprint(s.w, text); err != nil {
		return err
	}
	s.last = time.Now()
	return s.rc.Flush()
}
