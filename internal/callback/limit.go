package callback

import (
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// limiter is a token bucket per source address.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perSecond, burst int, now func() time.Time) *limiter {
	return &limiter{rate: float64(perSecond), burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// maxSources bounds the buckets kept; full ones are dropped first.
const maxSources = 10000

func (l *limiter) allow(src string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	b, ok := l.buckets[src]
	if !ok {
		if len(l.buckets) >= maxSources {
			for k, old := range l.buckets {
				if old.tokens+t.Sub(old.at).Seconds()*l.rate >= l.burst {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, at: t}
		l.buckets[src] = b
	}
	b.tokens = min(l.burst, b.tokens+t.Sub(b.at).Seconds()*l.rate)
	b.at = t
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sourceAddr is the request's source address without its port.
func sourceAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// parseForm reads an application/x-www-form-urlencoded body.
func parseForm(body []byte) (url.Values, error) {
	return url.ParseQuery(string(body))
}
