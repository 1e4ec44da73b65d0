package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestTokensAndBearerAuth(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.user(t, "agent1", model.RoleAgent, nil)
		other := e.user(t, "agent2", model.RoleAgent, nil)

		r := e.do(t, "POST", "tokens", map[string]string{"username": "Agent1", "password": testPassword, "name": "sync"})
		if r.status != http.StatusCreated {
			t.Fatalf("issue token: %v", r)
		}
		tok, _ := r.json(t)["token"].(string)
		if !strings.HasPrefix(tok, auth.APITokenPrefix) || r.json(t)["name"] != "sync" {
			t.Fatalf("token answer: %s", r.body)
		}
		tokID := r.id(t)

		me := e.do(t, "GET", "me", nil, bearer(tok))
		if me.status != 200 || me.json(t)["username"] != "agent1" || me.json(t)["auth"] != "bearer" {
			t.Fatalf("GET /me with the token: %v", me)
		}
		if _, ok := me.json(t)["csrf_token"]; ok {
			t.Error("bearer /me shows a CSRF token")
		}

		for name, opts := range map[string][]reqOpt{
			"no credentials": nil,
			"unknown token":  {bearer(auth.APITokenPrefix + "nope")},
			"not a token":    {bearer("garbage")},
			"basic auth":     {header("Authorization", "Basic YWdlbnQxOnBhc3N3b3JkLTE=")},
			"unknown cookie": {cookie("not-a-session")},
		} {
			r := e.do(t, "GET", "me", nil, opts...)
			if code, _ := r.errCode(t); r.status != 401 || code != "unauthenticated" {
				t.Errorf("%s: %v, want 401 unauthenticated", name, r)
			}
		}

		// Missing fields are 400s naming them, and do not count as failed logins.
		r = e.do(t, "POST", "tokens", map[string]string{"username": "agent1"})
		if code, field := r.errCode(t); r.status != 400 || code != "validation_failed" || field != "password" {
			t.Errorf("missing password: %v", r)
		}
		r = e.do(t, "POST", "tokens", map[string]string{"username": "agent1", "password": testPassword, "name": strings.Repeat("n", 101)})
		if _, field := r.errCode(t); r.status != 400 || field != "name" {
			t.Errorf("long token name: %v", r)
		}
		r = e.do(t, "POST", "tokens", map[string]string{"username": "ghost", "password": "whatever"})
		if code, _ := r.errCode(t); r.status != 401 || code != "bad_credentials" {
			t.Errorf("unknown user: %v", r)
		}

		// The caller lists and revokes only their own tokens.
		otherTok := e.token(t, other)
		list := e.do(t, "GET", "tokens", nil, bearer(tok))
		if items := list.json(t)["items"].([]any); list.status != 200 || len(items) != 1 {
			t.Fatalf("list tokens: %v", list)
		}
		otherTokens, _ := e.app.Auth.APITokens(context.Background(), other.ID)
		if r := e.do(t, "DELETE", "tokens/"+itoa(otherTokens[0].ID), nil, bearer(tok)); r.status != 404 {
			t.Errorf("revoke another user's token: %v, want 404", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(otherTok)); r.status != 200 {
			t.Errorf("other user's token stopped working: %v", r)
		}
		if r := e.do(t, "DELETE", "tokens/abc", nil, bearer(tok)); r.status != 400 {
			t.Errorf("revoke token abc: %v, want 400", r)
		}
		if r := e.do(t, "DELETE", "tokens/"+itoa(tokID), nil, bearer(tok)); r.status != 204 {
			t.Fatalf("revoke own token: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 401 {
			t.Errorf("revoked token still works: %v", r)
		}

		// Failures hold up their (username, address) pair: even the right
		// password from that address is 429 until the wait is over, and
		// the refusal changes nothing. The throttle's clock stands still, so
		// a slow run cannot outwait the wait.
		start := time.Now()
		e.app.Auth.SetThrottle(auth.DefaultThrottle, func() time.Time { return start })
		for i := 0; i <= auth.DefaultThrottle.FreeFailures; i++ {
			r := e.do(t, "POST", "tokens", map[string]string{"username": "agent1", "password": "wrong"}, remote("10.9.9.9:1"))
			if code, _ := r.errCode(t); r.status != 401 || code != "bad_credentials" {
				t.Fatalf("failure %d: %v", i, r)
			}
		}
		before := counts(t, s)
		r = e.do(t, "POST", "tokens", map[string]string{"username": "agent1", "password": testPassword}, remote("10.9.9.9:1"))
		if code, _ := r.errCode(t); r.status != http.StatusTooManyRequests || code != "throttled" || r.header.Get("Retry-After") == "" {
			t.Fatalf("throttled login: %v (Retry-After %q)", r, r.header.Get("Retry-After"))
		}
		if after := counts(t, s); after != before {
			t.Errorf("throttled login changed data: %s -> %s", before, after)
		}
		_ = agent
	})
}

func TestCookieAuthNeedsCSRF(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		sid, sess := e.session(t, admin)
		me := e.do(t, "GET", "me", nil, cookie(sid))
		if me.status != 200 || me.json(t)["auth"] != "session" || me.json(t)["csrf_token"] != sess.CSRFToken {
			t.Fatalf("GET /me with the cookie: %v", me)
		}

		before := counts(t, s)
		for name, opts := range map[string][]reqOpt{
			"no header":    {cookie(sid)},
			"wrong header": {cookie(sid), header(httpauth.CSRFHeader, "forged")},
		} {
			r := e.do(t, "POST", "customers", map[string]string{"name": "Acme"}, opts...)
			if code, _ := r.errCode(t); r.status != 403 || code != "csrf" {
				t.Errorf("%s: %v, want 403 csrf", name, r)
			}
		}
		// A form field is not enough for the API: the header is required.
		r := e.do(t, "POST", "customers", httpauth.CSRFField+"="+sess.CSRFToken, cookie(sid),
			header("Content-Type", "application/x-www-form-urlencoded"))
		if code, _ := r.errCode(t); r.status != 403 || code != "csrf" {
			t.Errorf("form field instead of header: %v, want 403 csrf", r)
		}

		// Every route that changes data refuses a cookie call without the header.
		for _, rt := range routes {
			if rt.Method == "GET" || rt.Public {
				continue
			}
			path := samplePath(rt)
			r := e.do(t, rt.Method, path, "{}", cookie(sid))
			if code, _ := r.errCode(t); r.status != 403 || code != "csrf" {
				t.Errorf("%s %s without CSRF header: %v, want 403 csrf", rt.Method, rt.Path, r)
			}
		}
		if after := counts(t, s); after != before {
			t.Errorf("refused requests changed data: %s -> %s", before, after)
		}

		r = e.do(t, "POST", "customers", map[string]string{"name": "Acme"}, cookie(sid), header(httpauth.CSRFHeader, sess.CSRFToken))
		if r.status != 201 {
			t.Fatalf("with the CSRF header: %v", r)
		}
		// Bearer calls need no CSRF header.
		if r := e.do(t, "POST", "customers", map[string]string{"name": "Beta"}, bearer(e.token(t, admin))); r.status != 201 {
			t.Fatalf("bearer POST: %v", r)
		}
	})
}
