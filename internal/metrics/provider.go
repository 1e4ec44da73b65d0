package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// ProviderClients returns a function giving each provider an HTTP client
// like base whose calls are counted and timed under the provider's name.
// Every client shares base's transport, so connections are reused.
func (s *Set) ProviderClients(base *http.Client) func(provider string) *http.Client {
	var mu sync.Mutex
	clients := map[string]*http.Client{}
	return func(provider string) *http.Client {
		if s == nil {
			return base
		}
		mu.Lock()
		defer mu.Unlock()
		if c, ok := clients[provider]; ok {
			return c
		}
		rt := base.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		c := *base
		c.Transport = &observed{set: s, provider: provider, next: rt}
		clients[provider] = &c
		return &c
	}
}

// observed is a RoundTripper that records each provider call.
type observed struct {
	set      *Set
	provider string
	next     http.RoundTripper
}

func (o *observed) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := o.next.RoundTrip(r)
	o.set.providerDuration.WithLabelValues(o.provider).Observe(time.Since(start).Seconds())
	o.set.providerRequests.WithLabelValues(o.provider, callOutcome(resp, err)).Inc()
	return resp, err
}

func callOutcome(resp *http.Response, err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case err != nil:
		return "error"
	case resp.StatusCode == http.StatusTooManyRequests:
		return "throttled"
	case resp.StatusCode >= 500:
		return "server_error"
	case resp.StatusCode >= 400:
		return "client_error"
	default:
		return "ok"
	}
}
