package channel

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
	"touchbase/internal/outbound"
)

// fixedNow is the clock of every provider test.
var fixedNow = time.Date(2024, 3, 5, 6, 7, 8, 0, time.UTC)

// recorded is one request received by a fake provider.
type recorded struct {
	Method string
	Host   string
	Path   string
	Query  string // raw query
	Header http.Header
	Body   []byte
	// Problem is set by the fake when the request failed its checks
	// (e.g. a bad signature); the test fails on it.
	Problem string
}

// fakeProvider is an httptest server that records every request, checks it
// with verify and answers with respond.
type fakeProvider struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	stalled bool
	verify  func(r *http.Request, body []byte) string
	respond func(w http.ResponseWriter, rec recorded)
}

func newFakeProvider(t *testing.T, verify func(*http.Request, []byte) string, respond func(http.ResponseWriter, recorded)) *fakeProvider {
	t.Helper()
	f := &fakeProvider{t: t, verify: verify, respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		stalled := f.stalled
		f.mu.Unlock()
		if stalled {
			slowHandler(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		rec := recorded{Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body}
		if f.verify != nil {
			rec.Problem = f.verify(r, body)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		if rec.Problem != "" {
			http.Error(w, rec.Problem, http.StatusBadRequest)
			return
		}
		f.respond(w, rec)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// stall makes the fake answer only after the client gave up.
func (f *fakeProvider) stall() {
	f.mu.Lock()
	f.stalled = true
	f.mu.Unlock()
}

// requests returns the recorded requests and fails the test on any that
// did not pass verify.
func (f *fakeProvider) requests() []recorded {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.reqs {
		if r.Problem != "" {
			f.t.Errorf("request %d rejected by the fake provider: %s", i, r.Problem)
		}
	}
	return append([]recorded(nil), f.reqs...)
}

// testEnv returns an Env with a fixed clock and a deterministic random
// source; without a client of its own, an outbound client allowed to
// reach the fakes on loopback.
func testEnv(client *http.Client) Env {
	if client == nil {
		client = outbound.NewClient(outbound.Policy{AllowPrivate: true, Timeout: 5 * time.Second})
	}
	return Env{HTTPClient: client, Now: func() time.Time { return fixedNow },
		Random: bytes.NewReader(bytes.Repeat([]byte{0xab}, 1<<16))}
}

// slowHandler answers only after the client gave up.
func slowHandler(w http.ResponseWriter, r *http.Request) {
	// Reading the body lets the server notice the client hanging up.
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
}

// wantChannelError checks that err is an *Error with the given reason and
// transience.
func wantChannelError(t *testing.T, err error, reason string, transient bool) *Error {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v (%T), want *channel.Error with reason %s", err, err, reason)
	}
	if ce.Reason != reason || ce.Transient != transient {
		t.Fatalf("error = %v: reason %q transient %v, want %q %v", err, ce.Reason, ce.Transient, reason, transient)
	}
	if IsTransient(err) != transient {
		t.Fatalf("IsTransient(%v) = %v, want %v", err, IsTransient(err), transient)
	}
	return ce
}
