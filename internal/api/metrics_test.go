package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	pmodel "github.com/prometheus/common/model"

	"touchbase/internal/model"
	"touchbase/internal/server"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestMetricsAfterABulkSend scrapes /metrics after real work: a signed-in
// API request counted under its own route (not the /api/v1/ mount), a
// bulk SMS send's recipients by channel, provider, status and reason, the
// provider's HTTP calls, the dispatch timing, the queues, a live stream
// and the build.
func TestMetricsAfterABulkSend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		const n = 40
		w := newBulkWorld(t, s, n)
		w.useHook(t)
		w.hook.refuse(w.contacts[5].Mobile, w.contacts[17].Mobile)
		w.hook.throttle.Store(1) // the first call is answered 429, and its messages retried
		if r := w.e.do(t, "GET", "customers", nil, w.opt); r.status != 200 {
			t.Fatalf("list customers: %v", r)
		}
		r := w.e.do(t, "POST", "bulk-sends", `{"title":"指标","sms_text":"您好","recipients":{"contact_ids":[`+
			idList(w.contacts)+`]}}`, w.opt)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		w.waitStatus(t, r.id(t), model.BulkDone)
		// A send for tomorrow leaves a scheduled job in the queue.
		tomorrow := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		if r := w.e.do(t, "POST", "bulk-sends", `{"title":"明天","sms_text":"您好","scheduled_at":"`+tomorrow+
			`","recipients":{"contact_ids":[`+itoa(w.contacts[0].ID)+`]}}`, w.opt); r.status != 201 {
			t.Fatalf("create tomorrow's send: %v", r)
		}
		_, stop := w.e.app.Notify.Subscribe(context.Background(), w.op.ID)
		defer stop()

		m := scrape(t, w.e.h, "")
		if got := m.value(t, "touchbase_http_requests_total", "route", "GET /api/v1/customers", "method", "GET", "status", "200"); got != 1 {
			t.Errorf("GET /api/v1/customers counted %v times", got)
		}
		if got := m.value(t, "touchbase_http_requests_total", "route", "POST /api/v1/bulk-sends", "status", "201"); got != 2 {
			t.Errorf("POST /api/v1/bulk-sends counted %v times, want 2", got)
		}
		if got := m.sum("touchbase_http_requests_total", "route", "/api/v1/"); got != 0 {
			t.Errorf("%v requests labelled with the mount instead of their route", got)
		}
		if got := m.value(t, "touchbase_bulk_recipients_total", "channel", "sms", "provider", "webhook", "status", "sent", "reason", ""); got != n-2 {
			t.Errorf("sent recipients: %v, want %d", got, n-2)
		}
		if got := m.value(t, "touchbase_bulk_recipients_total", "channel", "sms", "provider", "webhook", "status", "failed", "reason", "invalid_mobile"); got != 2 {
			t.Errorf("failed recipients (invalid_mobile): %v, want 2", got)
		}
		if got := m.sum("touchbase_bulk_retries_total", "channel", "sms", "provider", "webhook", "reason", "throttled"); got == 0 {
			t.Error("the recipients of the throttled call were not counted as retried")
		}
		calls := m.value(t, "touchbase_provider_requests_total", "provider", "webhook", "outcome", "ok")
		if w.hook.mu.Lock(); calls != float64(w.hook.calls) {
			t.Errorf("provider calls counted %v, the receiver took %d", calls, w.hook.calls)
		}
		w.hook.mu.Unlock()
		if got := m.value(t, "touchbase_provider_requests_total", "provider", "webhook", "outcome", "throttled"); got != 1 {
			t.Errorf("throttled provider calls: %v, want 1", got)
		}
		if got := m.histogramCount(t, "touchbase_provider_request_duration_seconds", "provider", "webhook"); got != uint64(calls)+1 {
			t.Errorf("provider call latencies: %d, want %v", got, calls+1)
		}
		if got := m.histogramCount(t, "touchbase_dispatch_send_duration_seconds", "channel", "sms", "provider", "webhook"); got == 0 {
			t.Error("no dispatch timing")
		}
		if got := m.value(t, "touchbase_queue_stats_up"); got != 1 {
			t.Errorf("queue stats unreadable: %v", got)
		}
		if got := m.value(t, "touchbase_queue_jobs", "queue", "default", "state", "scheduled"); got < 1 {
			t.Errorf("scheduled jobs of the default queue: %v, want tomorrow's send", got)
		}
		if got := m.value(t, "touchbase_live_connections"); got != 1 {
			t.Errorf("live connections: %v, want 1", got)
		}
		if got := m.value(t, "touchbase_build_info"); got != 1 {
			t.Errorf("build info: %v", got)
		}
		// The shipped dashboard asks only for figures the server exports.
		for _, name := range dashboardMetrics(t) {
			if m[name] == nil {
				t.Errorf("docs/grafana/touchbase.json uses %s, which /metrics does not export", name)
			}
		}
	})
}

// dashboardMetrics lists the metric families the Grafana dashboard's
// queries use (histogram series named after their family).
func dashboardMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/grafana/touchbase.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	name := regexp.MustCompile(`\b(touchbase|process|go)_[a-z_]+`)
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				n = strings.TrimSuffix(n, "_bucket")
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("the dashboard uses only %v", out)
	}
	return out
}

// TestMetricsToken: with a token set, /metrics refuses scrapes without it
// or with another; with a separate metrics address, the main listener has
// no /metrics and the metrics listener serves it and the profiler behind
// the same token.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		const token = "scrape-token-0123456789"
		e.app.Config.MetricsToken = token
		h := server.New(e.app, New(e.app), http.NotFoundHandler()).Handler()
		for _, auth := range []string{"", "Bearer wrong-token-0123456789", token} {
			rec := get(h, "/metrics", auth)
			if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" || strings.Contains(rec.Body.String(), "touchbase_") {
				t.Errorf("scrape with %q: %d %q", auth, rec.Code, rec.Body.String())
			}
		}
		if rec := get(h, "/metrics", "Bearer "+token); rec.Code != 200 || !strings.Contains(rec.Body.String(), "touchbase_build_info") {
			t.Errorf("scrape with the token: %d", rec.Code)
		}

		e.app.Config.MetricsAddr = "127.0.0.1:0"
		h = server.New(e.app, New(e.app), http.NotFoundHandler()).Handler()
		if rec := get(h, "/metrics", "Bearer "+token); rec.Code != 404 {
			t.Errorf("main listener with a metrics address: /metrics answered %d", rec.Code)
		}
		mh := server.MetricsHandler(e.app)
		for path, want := range map[string]string{"/metrics": "touchbase_build_info", "/debug/pprof/": "goroutine"} {
			if rec := get(mh, path, ""); rec.Code != 401 {
				t.Errorf("metrics listener %s without the token: %d", path, rec.Code)
			}
			if rec := get(mh, path, "Bearer "+token); rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics listener %s: %d", path, rec.Code)
			}
		}
	})
}

func get(h http.Handler, path, auth string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// scraped holds the families of one scrape by name.
type scraped map[string]*dto.MetricFamily

func scrape(t *testing.T, h http.Handler, auth string) scraped {
	t.Helper()
	rec := get(h, "/metrics", auth)
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body.String())
	}
	parser := expfmt.NewTextParser(pmodel.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// matching returns the metrics of family name whose labels include
// every name/value pair of labels.
func (m scraped) matching(name string, labels ...string) []*dto.Metric {
	var out []*dto.Metric
	fam := m[name]
	if fam == nil {
		return nil
	}
next:
	for _, x := range fam.Metric {
		have := map[string]string{}
		for _, l := range x.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		out = append(out, x)
	}
	return out
}

func (m scraped) sum(name string, labels ...string) float64 {
	var v float64
	for _, x := range m.matching(name, labels...) {
		v += x.GetCounter().GetValue() + x.GetGauge().GetValue()
	}
	return v
}

// value is the one metric of name with labels; the test fails when there
// is none.
func (m scraped) value(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	xs := m.matching(name, labels...)
	if len(xs) == 0 {
		t.Fatalf("no %s%v in the scrape", name, labels)
	}
	return m.sum(name, labels...)
}

func (m scraped) histogramCount(t *testing.T, name string, labels ...string) uint64 {
	t.Helper()
	xs := m.matching(name, labels...)
	if len(xs) != 1 {
		t.Fatalf("%d series of %s%v in the scrape", len(xs), name, labels)
	}
	return xs[0].GetHistogram().GetSampleCount()
}

func idList(cs []*model.Contact) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = itoa(c.ID)
	}
	return strings.Join(ids, ",")
}
