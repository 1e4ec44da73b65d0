package api

import (
	"testing"

	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestCookieCallsFromOtherSitesRefused: a state-changing call made with
// the session cookie that a browser marks as coming from another site is
// refused on every route, even with the right CSRF header, and changes
// nothing; the same call from Touchbase's own origin, and any call with a
// bearer token, is heard.
func TestCookieCallsFromOtherSitesRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		sid, sess := e.session(t, admin)
		withCookie := []reqOpt{cookie(sid), header(httpauth.CSRFHeader, sess.CSRFToken)}
		before := counts(t, s)
		for _, rt := range routes {
			if rt.Method == "GET" || rt.Public {
				continue
			}
			path := samplePath(rt)
			for _, h := range [][2]string{{"Origin", "https://evil.example"}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}} {
				r := e.do(t, rt.Method, path, "{}", append(withCookie, header(h[0], h[1]))...)
				if code, _ := r.errCode(t); r.status != 403 || code != "cross_origin" {
					t.Errorf("%s %s with %s: %s: %v, want 403 cross_origin", rt.Method, rt.Path, h[0], h[1], r)
				}
			}
		}
		if after := counts(t, s); after != before {
			t.Errorf("refused calls changed data: %s -> %s", before, after)
		}
		body := map[string]string{"name": "Acme", "code": "C9"}
		if r := e.do(t, "POST", "customers", body, append(withCookie, header("Origin", "http://example.com"))...); r.status != 201 {
			t.Errorf("same-origin cookie call: %v", r)
		}
		body["code"] = "C10"
		if r := e.do(t, "POST", "customers", body, bearer(e.token(t, admin)), header("Origin", "https://evil.example")); r.status != 201 {
			t.Errorf("bearer call with a foreign Origin: %v", r)
		}
	})
}
