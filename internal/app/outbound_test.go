package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"touchbase/internal/app"
	"touchbase/internal/channel"
	"touchbase/internal/config"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestProviderCallsStayOutside: as serve builds it, a provider on
// loopback is refused unless private providers are allowed, and the
// refused and the allowed calls are both counted in the provider metrics
// (the guard sits under the metrics' transport).
func TestProviderCallsStayOutside(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer srv.Close()
		admin := &model.User{Username: "admin", Role: model.RoleAdmin, Active: true}
		if err := s.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		hook, _ := json.Marshal(map[string]string{"url": srv.URL + "/hook", "secret": "s"})
		for _, allow := range []bool{false, true} {
			cfg := config.Defaults()
			cfg.DataDir = t.TempDir()
			cfg.AllowPrivateProviders = allow
			a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), s)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Channels.Save(ctx, admin.ID, channel.KindSMS, channel.ProviderWebhook, hook, 0); err != nil {
				t.Fatal(err)
			}
			_, err = a.Channels.TestSend(ctx, channel.KindSMS, "+8613800000000")
			switch {
			case !allow && (err == nil || !strings.Contains(err.Error(), "private network") || hits.Load() != 0):
				t.Fatalf("loopback provider by default: %v (hits %d)", err, hits.Load())
			case allow && (err != nil || hits.Load() != 1):
				t.Fatalf("loopback provider allowed: %v (hits %d)", err, hits.Load())
			}
			rec := httptest.NewRecorder()
			a.Metrics.Handler("").ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			outcome := map[bool]string{false: "error", true: "ok"}[allow]
			if !regexp.MustCompile(`touchbase_provider_requests_total\{outcome="` + outcome + `",provider="webhook"\} 1`).MatchString(rec.Body.String()) {
				t.Errorf("allow %v: the call is not counted as %s:\n%s", allow, outcome, grepLines(rec.Body.String(), "provider_requests"))
			}
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
