// Package fakewebhook is an httptest receiver of the webhook SMS provider
// (channel.Webhook): it checks each request as the provider documents it
// (POST, JSON body, HMAC signature and timestamp headers), keeps every
// message with the time it arrived, treats a ref it has seen as the same
// message, and answers what a test tells it to (an HTTP status per
// request, such as 429 or 503, or an error for single messages).
package fakewebhook

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"touchbase/internal/channel"
)

// Message is one message the receiver took.
type Message struct {
	Ref, To, Text  string
	Template       string
	TemplateParams map[string]string
	At             time.Time
	// Copies counts how many times the ref was posted.
	Copies int
}

// Server is the fake receiver.
type Server struct {
	*httptest.Server
	Secret string

	mu       sync.Mutex
	byRef    map[string]*Message
	order    []*Message
	requests int
	refused  []string
	answer   func(request int, msgs []Message) int
	reject   func(n int, m Message) string
	offered  int // messages offered in accepted requests
	rejected int
}

// New starts a receiver checking signatures with secret; it is closed when
// t ends.
func New(t testing.TB, secret string) *Server {
	s := &Server{Secret: secret, byRef: map[string]*Message{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

// Config is the provider configuration pointing at the receiver.
func (s *Server) Config() []byte {
	b, _ := json.Marshal(map[string]any{"url": s.URL, "secret": s.Secret})
	return b
}

// Reject makes the receiver refuse single messages from now on: f gets
// the message's number among those offered in accepted requests (from 1)
// and returns the error code to answer it with (such as invalid_mobile),
// or "" to take it. A refused message is not kept.
func (s *Server) Reject(f func(n int, m Message) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = f
}

// Rejected counts the messages refused one by one.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Answer sets the HTTP status of each request from now on: f gets the
// request's number (from 1) and its messages; 200 takes them, anything
// else refuses the request and keeps none of it.
func (s *Server) Answer(f func(request int, msgs []Message) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = f
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
		s.refuse(w, fmt.Sprintf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type")))
		return
	case r.Header.Get(channel.WebhookSignatureHeader) != channel.WebhookSignature(s.Secret, body):
		s.refuse(w, "bad signature")
		return
	}
	var req struct {
		Timestamp int64 `json:"timestamp"`
		Messages  []struct {
			Ref, To, Text  string
			Template       string            `json:"template"`
			TemplateParams map[string]string `json:"template_params"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
		s.refuse(w, "body is not a message list")
		return
	}
	if ts, _ := strconv.ParseInt(r.Header.Get(channel.WebhookTimestampHeader), 10, 64); ts != req.Timestamp || abs(at.Unix()-ts) > 300 {
		s.refuse(w, "timestamp header missing, not the body's, or off by more than 5 minutes")
		return
	}
	msgs := make([]Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = Message{Ref: m.Ref, To: m.To, Text: m.Text, Template: m.Template, TemplateParams: m.TemplateParams, At: at}
	}
	s.mu.Lock()
	s.requests++
	status := http.StatusOK
	if s.answer != nil {
		status = s.answer(s.requests, msgs)
	}
	if status != http.StatusOK {
		s.mu.Unlock()
		http.Error(w, http.StatusText(status), status)
		return
	}
	type failure struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	type result struct {
		Ref   string   `json:"ref"`
		ID    string   `json:"id,omitempty"`
		Error *failure `json:"error,omitempty"`
	}
	results := make([]result, len(msgs))
	for i, m := range msgs {
		s.offered++
		if s.reject != nil {
			if code := s.reject(s.offered, m); code != "" {
				s.rejected++
				results[i] = result{Ref: m.Ref, Error: &failure{Code: code, Message: "refused by the receiver"}}
				continue
			}
		}
		if old := s.byRef[m.Ref]; old != nil {
			old.Copies++
		} else {
			m.Copies = 1
			s.byRef[m.Ref] = &m
			s.order = append(s.order, &m)
		}
		results[i] = result{Ref: m.Ref, ID: "wh-" + m.Ref}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"results": results})
}

func (s *Server) refuse(w http.ResponseWriter, why string) {
	s.mu.Lock()
	s.refused = append(s.refused, why)
	s.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

// Messages returns the messages taken, in the order they first arrived.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.order))
	for i, m := range s.order {
		out[i] = *m
	}
	return out
}

// Get returns the message with ref, if it arrived.
func (s *Server) Get(ref string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byRef[ref]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Refused lists why requests that broke the protocol were refused.
func (s *Server) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

// MaxInWindow returns the most messages that arrived within any window of
// length d.
func (s *Server) MaxInWindow(d time.Duration) int {
	msgs := s.Messages()
	best, j := 0, 0
	for i := range msgs {
		for msgs[i].At.Sub(msgs[j].At) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
