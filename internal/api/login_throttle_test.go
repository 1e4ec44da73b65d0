package api

import (
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strconv"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// loginFailures reads touchbase_login_failures_total{reason} from /metrics.
func loginFailures(t *testing.T, e *env, reason string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	e.app.Metrics.Handler("").ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	m := regexp.MustCompile(`(?m)^touchbase_login_failures_total\{reason="` + reason + `"\} (\d+)$`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestLoginThrottleBehindProxy: behind a trusted proxy each client's
// failures count under its own address, so one client's guesses never
// hold up another's right password; a client that is not a trusted proxy
// cannot choose its address with X-Forwarded-For; refusals are counted in
// the metrics by reason, without usernames.
func TestLoginThrottleBehindProxy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, func(o *config.Options) { o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
		e.user(t, "agent1", model.RoleAgent, nil)
		// The throttle's clock stands still: a slow run must not outwait
		// the 1 s the guessing client is held to.
		start := time.Now()
		e.app.Auth.SetThrottle(auth.DefaultThrottle, func() time.Time { return start })
		login := func(password string, opts ...reqOpt) *resp {
			return e.do(t, "POST", "tokens", map[string]string{"username": "agent1", "password": password}, opts...)
		}
		viaProxy := func(client string) []reqOpt {
			return []reqOpt{remote("10.0.0.5:4000"), header("X-Forwarded-For", client)}
		}
		for i := 0; i < 4; i++ {
			if r := login("guess", viaProxy("203.0.113.7")...); r.status != 401 {
				t.Fatalf("failure %d: %v", i, r)
			}
		}
		r := login(testPassword, viaProxy("203.0.113.7")...)
		if code, _ := r.errCode(t); r.status != 429 || code != "throttled" || r.header.Get("Retry-After") != "1" {
			t.Fatalf("the guessing client with the right password: %v (Retry-After %q)", r, r.header.Get("Retry-After"))
		}
		// Another client behind the same proxy is its own pair.
		if r := login(testPassword, viaProxy("198.51.100.2")...); r.status != 201 {
			t.Fatalf("another client behind the proxy: %v", r)
		}
		// A direct caller naming the guessing client is not believed: it
		// is counted as itself and gets in.
		if r := login(testPassword, remote("192.0.2.9:5000"), header("X-Forwarded-For", "203.0.113.7")); r.status != 201 {
			t.Fatalf("untrusted X-Forwarded-For: %v", r)
		}
		list, err := e.app.Auth.RecentLoginFailures(t.Context(), 10)
		if err != nil || len(list) != 1 || list[0].IP != "203.0.113.7" || list[0].Total != 4 {
			t.Fatalf("failures listed: %v %+v", err, list)
		}
		if n := loginFailures(t, e, "wrong_password"); n != 4 {
			t.Errorf("wrong_password counted %d times, want 4", n)
		}
		if n := loginFailures(t, e, "throttled"); n != 1 {
			t.Errorf("throttled counted %d times, want 1", n)
		}
		e.do(t, "POST", "tokens", map[string]string{"username": "nobody", "password": "x"}, remote("192.0.2.10:1"))
		if n := loginFailures(t, e, "unknown_user"); n != 1 {
			t.Errorf("unknown_user counted %d times, want 1", n)
		}
	})
}
