// Package metrics holds the figures one Touchbase process exports to
// Prometheus: HTTP requests by route, bulk recipients by channel,
// provider and final status, dispatch and provider-call latency, River
// queue depth and lag, reminder lateness, live connections and build
// information. Counters are per process; sum them over instances.
package metrics

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Set is the registry of one process and its collectors. A nil *Set
// records nothing, so services work without one.
type Set struct {
	reg *prometheus.Registry

	httpRequests     *prometheus.CounterVec
	httpDuration     *prometheus.HistogramVec
	recipients       *prometheus.CounterVec
	retries          *prometheus.CounterVec
	chunkDuration    *prometheus.HistogramVec
	providerRequests *prometheus.CounterVec
	loginFailures    *prometheus.CounterVec
	providerDuration *prometheus.HistogramVec
	reminderLateness prometheus.Histogram
}

// New returns a Set with the Go runtime, process and build-info
// collectors registered.
func New() *Set {
	s := &Set{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "touchbase_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "touchbase_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		recipients: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "touchbase_bulk_recipients_total",
			Help: "Bulk recipients settled by dispatch, by channel, provider, final status (sent, failed, skipped) and reason.",
		}, []string{"channel", "provider", "status", "reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "touchbase_bulk_retries_total",
			Help: "Bulk recipients put back to be tried again, by channel, provider and reason.",
		}, []string{"channel", "provider", "reason"}),
		chunkDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "touchbase_dispatch_send_duration_seconds",
			Help:    "Time one dispatched chunk spent handing its messages to the provider, by channel and provider.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"channel", "provider"}),
		providerRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "touchbase_provider_requests_total",
			Help: "HTTP calls to providers by provider and outcome (ok, client_error, server_error, throttled, timeout, error).",
		}, []string{"provider", "outcome"}),
		providerDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "touchbase_provider_request_duration_seconds", Help: "Latency of HTTP calls to providers, by provider.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"provider"}),
		loginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "touchbase_login_failures_total",
			Help: "Refused logins by reason (wrong_password, unknown_user, inactive, throttled, address_limit).",
		}, []string{"reason"}),
		reminderLateness: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "touchbase_reminder_lateness_seconds",
			Help:    "Time from a plan reminder's due moment to its notification.",
			Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 300},
		}),
	}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(), s.httpRequests, s.httpDuration, s.recipients, s.retries, s.chunkDuration,
		s.providerRequests, s.providerDuration, s.reminderLateness, s.loginFailures)
	return s
}

// Register adds collectors of other packages (a queue's depth, a hub's
// connections) to the set.
func (s *Set) Register(cs ...prometheus.Collector) {
	if s != nil {
		s.reg.MustRegister(cs...)
	}
}

// Handler serves the set in the Prometheus text format. With a token, a
// scrape must send it as "Authorization: Bearer TOKEN" or get 401.
func (s *Set) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	return RequireToken(token, h)
}

// RequireToken lets through only requests that carry token as a bearer
// token; others get 401.
func RequireToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the bearer token (TOUCHBASE_METRICS_TOKEN)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Request records one HTTP request answered by the server.
func (s *Set) Request(route, method string, status int, took time.Duration) {
	if s == nil {
		return
	}
	s.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	s.httpDuration.WithLabelValues(route).Observe(took.Seconds())
}

// LoginFailed counts one refused login under its reason; the username is
// never a label.
func (s *Set) LoginFailed(reason string) {
	if s != nil {
		s.loginFailures.WithLabelValues(reason).Inc()
	}
}

// ReminderLate records how long after its due moment a reminder's
// notification was written.
func (s *Set) ReminderLate(late time.Duration) {
	if s != nil {
		s.reminderLateness.Observe(max(late, 0).Seconds())
	}
}

// LiveConnections is the gauge touchbase_live_connections, read from
// count at each scrape.
func LiveConnections(count func() int) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "touchbase_live_connections", Help: "Live notification streams open in this process.",
	}, func() float64 { return float64(count()) })
}
