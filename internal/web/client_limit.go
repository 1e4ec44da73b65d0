package web

import (
	"sync"
	"time"
)

// clientLimit allows each client address a number of requests per window
// (a fixed window, forgotten when the next one starts): enough for a
// person or a mail provider following links, not for someone walking
// through tokens.
type clientLimit struct {
	mu     sync.Mutex
	per    int
	window time.Duration
	start  time.Time
	seen   map[string]int
}

func newClientLimit(per int, window time.Duration) *clientLimit {
	return &clientLimit{per: per, window: window, seen: map[string]int{}}
}

// allow counts one request of client at now and reports whether it is
// within the limit.
func (l *clientLimit) allow(client string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= l.window {
		l.start, l.seen = now, map[string]int{}
	}
	l.seen[client]++
	return l.seen[client] <= l.per
}
