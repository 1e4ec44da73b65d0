package channel

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWebhookStaysOutside: a webhook URL on loopback is refused unless
// private networks are allowed, and nothing reaches it; a receiver's
// redirect is a permanent failure and the signed request never reaches
// where it points.
func TestWebhookStaysOutside(t *testing.T) {
	f, _ := newWebhookFake(t, WebhookConfig{}, nil, nil)
	w, err := NewWebhook(WebhookConfig{URL: f.srv.URL + "/hooks/sms", Secret: testWebhookSecret}, Env{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Send(context.Background(), Message{Ref: "r1", To: "+8613800000000", Text: "hi"})
	wantChannelError(t, err, ReasonNetwork, false)
	if !strings.Contains(err.Error(), "private network") {
		t.Errorf("refusal does not say why: %v", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("the loopback receiver got %d requests", n)
	}

	var stolen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(WebhookSignatureHeader) != "" {
			stolen.Add(1)
		}
	}))
	defer other.Close()
	_, w = newWebhookFake(t, WebhookConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
		w.Header().Set("Location", other.URL+"/collect")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	_, err = w.Send(context.Background(), Message{Ref: "r2", To: "+8613800000000", Text: "hi"})
	wantChannelError(t, err, ReasonProviderError, false)
	if !strings.Contains(err.Error(), "redirect") {
		t.Errorf("refusal does not name the redirect: %v", err)
	}
	if stolen.Load() != 0 {
		t.Fatal("the signed request followed the redirect to another host")
	}
}

// TestErrorDetailsQuoteShortJSONOnly: a failed call quotes at most a
// short piece of a JSON answer, and nothing of any other answer.
func TestErrorDetailsQuoteShortJSONOnly(t *testing.T) {
	long := `{"error":"` + strings.Repeat("x", 1000) + `"}`
	for _, tc := range []struct {
		ct, body string
		want     func(detail string) bool
	}{
		{"text/html", "<html><body>internal admin console, build 4.2</body></html>", func(d string) bool {
			return !strings.Contains(d, "internal") && !strings.Contains(d, "<html>")
		}},
		{"text/plain", "ami-id\ninstance-id\nsecurity-credentials", func(d string) bool { return !strings.Contains(d, "instance-id") }},
		{"application/json", long, func(d string) bool { return len(d) <= 210 && strings.HasPrefix(d, `{"error":"xxx`) }},
	} {
		_, w := newWebhookFake(t, WebhookConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
			w.Header().Set("Content-Type", tc.ct)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(tc.body))
		})
		_, err := w.Send(context.Background(), Message{Ref: "r", To: "+8613800000000", Text: "hi"})
		e := wantChannelError(t, err, ReasonInvalidRequest, false)
		if !tc.want(e.Detail) {
			t.Errorf("%s answer: detail %q", tc.ct, e.Detail)
		}
	}
}
