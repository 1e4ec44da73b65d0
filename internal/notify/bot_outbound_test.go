package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/notify"
)

// TestBotClientStaysOutside: the default bot client never dials a
// metadata address, nor loopback unless any host is allowed, never
// follows a redirect, and quotes no HTML of a failed answer.
func TestBotClientStaysOutside(t *testing.T) {
	ctx := context.Background()
	msg := notify.BotMessage{Title: "t", Body: "b"}
	var be *notify.BotError
	err := notify.NewBotClient(nil, true).Send(ctx, &model.BotWebhook{Provider: model.BotWeCom,
		URL: "http://169.254.169.254/cgi-bin/webhook/send?key=k"}, msg)
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "link-local") || strings.Contains(err.Error(), "key=k") {
		t.Fatalf("metadata address: %v", err)
	}

	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") == "redirect" {
			http.Redirect(w, r, other.URL, http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>intranet gateway</html>"))
	}))
	defer srv.Close()
	hook := func(key string) *model.BotWebhook {
		return &model.BotWebhook{Provider: model.BotWeCom, URL: srv.URL + "/cgi-bin/webhook/send?key=" + key}
	}
	if err := notify.NewBotClient(nil, false).Send(ctx, hook("k"), msg); err == nil || !strings.Contains(err.Error(), "private network") {
		t.Fatalf("loopback with the default client: %v", err)
	}
	if err := notify.NewBotClient(nil, true).Send(ctx, hook("redirect"), msg); err == nil || !strings.Contains(err.Error(), "redirect") || elsewhere.Load() != 0 {
		t.Fatalf("redirect: %v (followed %d times)", err, elsewhere.Load())
	}
	err = notify.NewBotClient(nil, true).Send(ctx, hook("k"), msg)
	if !errors.As(err, &be) || be.Status != http.StatusBadGateway || strings.Contains(err.Error(), "intranet") {
		t.Fatalf("HTML error answer: %v", err)
	}
}
