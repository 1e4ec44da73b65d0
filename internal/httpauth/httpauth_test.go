package httpauth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// seen records what a handler behind the middleware saw.
type seen struct {
	id      *httpauth.Identity
	failure error
}

func call(t *testing.T, mw func(http.Handler) http.Handler, opts ...func(*http.Request)) seen {
	t.Helper()
	var got seen
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = seen{httpauth.From(r.Context()), httpauth.Failure(r.Context())}
	}))
	req := httptest.NewRequest("GET", "/x", nil)
	req.RemoteAddr = "198.51.100.4:5000"
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("middleware answered %d", rec.Code)
	}
	return got
}

func TestResolver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.SessionLimits{Idle: time.Hour, Max: 8 * time.Hour})
		rv := &httpauth.Resolver{Auth: a, Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Secure: true}
		u := &model.User{Username: "rep", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "sync", Scope: model.ScopeRead})
		if err != nil {
			t.Fatal(err)
		}
		sid, sess, err := a.StartSession(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		withBearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }
		withCookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: httpauth.CookieName, Value: sid}) }

		// The API's middleware takes the token, with its scope.
		got := call(t, rv.Middleware, withBearer)
		if got.id == nil || !got.id.Bearer || got.id.Token == nil || got.id.Token.Scope != model.ScopeRead || got.id.Session != nil {
			t.Fatalf("bearer identity: %+v", got.id)
		}
		if list, _ := a.APITokens(ctx, u.ID); list[0].LastUsedIP != "198.51.100.4" {
			t.Errorf("the use was recorded from %q", list[0].LastUsedIP)
		}
		// The pages' middleware ignores it, and takes only the cookie.
		if got := call(t, rv.SessionMiddleware, withBearer); got.id != nil {
			t.Errorf("pages resolved a bearer token: %+v", got.id)
		}
		if got := call(t, rv.SessionMiddleware, withBearer, withCookie); got.id == nil || got.id.Session == nil || got.id.Token != nil {
			t.Errorf("pages with a cookie: %+v", got.id)
		}

		// An expired token passes anonymous, and says why.
		if _, err := s.DB().ExecContext(ctx, `UPDATE api_tokens SET expires_at = $1 WHERE id = $2`,
			time.Now().Add(-time.Minute).UTC(), tok.ID); err != nil {
			t.Fatal(err)
		}
		got = call(t, rv.Middleware, withBearer)
		if got.id != nil || !errors.Is(got.failure, auth.ErrTokenExpired) {
			t.Errorf("expired token: identity %+v, failure %v", got.id, got.failure)
		}
		if got := call(t, rv.Middleware); got.id != nil || got.failure != nil {
			t.Errorf("no credentials: %+v %v", got.id, got.failure)
		}

		// The session cookie is Secure, HttpOnly and kept until the
		// session's absolute end.
		rec := httptest.NewRecorder()
		rv.SetCookie(rec, sid, sess)
		line := rec.Header().Get("Set-Cookie")
		if !strings.Contains(line, "; Secure") || !strings.Contains(line, "; HttpOnly") || !strings.Contains(line, "Max-Age=28") {
			t.Errorf("session cookie %q: want Secure, HttpOnly and Max-Age about 8h (28800)", line)
		}
	})
}
