package api

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	name string
	data map[string]any
}

// eventSchemas is the documented schema of each event's data.
var eventSchemas = map[string]string{"progress": "BulkProgress", "done": "BulkProgress", "created": "NotificationEvent",
	"read": "NotificationEvent"}

// sseReader reads the events of a live stream as a browser would, checking
// each event's data against its documented schema.
type sseReader struct {
	events chan sseEvent
	pings  atomic.Int32
	cancel context.CancelFunc
}

// openSSE opens an event stream on srv as the caller with token. The
// client goes when the test ends (or on close).
func openSSE(t *testing.T, srv *httptest.Server, path, token string) *sseReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+Prefix+"/"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", mediaSSE)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != mediaSSE {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("GET %s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	s := &sseReader{events: make(chan sseEvent, 1000), cancel: cancel}
	go func() {
		defer close(s.events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" || data.Len() > 0 {
					var v any
					if err := json.Unmarshal([]byte(data.String()), &v); err != nil {
						t.Errorf("event %s: data is not JSON: %q", ev.name, data.String())
					}
					ev.data, _ = v.(map[string]any)
					schema, ok := eventSchemas[ev.name]
					if !ok {
						t.Errorf("event %q is not documented", ev.name)
					}
					for _, p := range loadDoc().validate("$", ref(schema), v) {
						t.Errorf("event %s does not match %s: %s", ev.name, schema, p)
					}
					s.events <- ev
				}
				ev, data = sseEvent{}, strings.Builder{}
			case strings.HasPrefix(line, ":"):
				s.pings.Add(1)
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data.WriteString(strings.TrimPrefix(line, "data: "))
			case strings.HasPrefix(line, "retry: "):
			default:
				t.Errorf("unexpected line in the stream: %q", line)
			}
		}
	}()
	return s
}

// next returns the next event; ok is false when the stream ended. It fails
// the test after timeout.
func (s *sseReader) next(t *testing.T, timeout time.Duration) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		return ev, ok
	case <-time.After(timeout):
		t.Fatalf("no event within %s", timeout)
	}
	return sseEvent{}, false
}

// until returns the first event named name, skipping others.
func (s *sseReader) until(t *testing.T, name string, timeout time.Duration) sseEvent {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ev, ok := s.next(t, time.Until(deadline))
		if !ok {
			t.Fatalf("the stream ended before a %q event", name)
		}
		if ev.name == name {
			return ev
		}
	}
}

// ended waits for the stream to end.
func (s *sseReader) ended(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the stream did not end within %s", timeout)
		}
	}
}
