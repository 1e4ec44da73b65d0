package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func newUser(t *testing.T, s *storage.Store, name, password string) *model.User {
	t.Helper()
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Username: name, Role: model.RoleAgent, Active: true, PasswordHash: h}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("s3cret-密码")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(h, "s3cret-密码"); !ok || err != nil {
		t.Fatalf("right password rejected: %v %v", ok, err)
	}
	if ok, _ := auth.CheckPassword(h, "s3cret"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := auth.HashPassword("s3cret-密码")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if _, err := auth.CheckPassword("plain", "x"); err == nil {
		t.Fatal("malformed hash accepted")
	}
	if !strings.Contains(h, "$m=19456,t=2,p=1$") {
		t.Errorf("hash not made with the default costs: %s", h)
	}
	// A hash made with other costs says so, and checks by them.
	light, err := auth.HashPasswordWith("s3cret-密码", auth.Params{Time: 1, Memory: 64, Threads: 1})
	if err != nil || !strings.Contains(light, "$m=64,t=1,p=1$") {
		t.Fatalf("light hash %q: %v", light, err)
	}
	if ok, err := auth.CheckPassword(light, "s3cret-密码"); !ok || err != nil {
		t.Fatalf("right password rejected by a light hash: %v %v", ok, err)
	}
	if ok, _ := auth.CheckPassword(light, "s3cret-密"); ok {
		t.Fatal("wrong password accepted by a light hash")
	}
}

func TestLoginSessionsTokensThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		u := newUser(t, s, "Agent1", "correct horse")

		if _, err := a.Login(ctx, "agent1", "correct horse", "10.0.0.1"); err != nil {
			t.Fatalf("login (case-insensitive username): %v", err)
		}
		if _, err := a.Login(ctx, "agent1", "nope", "10.0.0.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := a.Login(ctx, "ghost", "nope", "10.0.0.9"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("unknown user: %v", err)
		}
		// A name that is not valid text is refused like an unknown one.
		for _, name := range []string{"agent1\x00", "agent1\xff", "\x00"} {
			if _, err := a.Login(ctx, name, "correct horse", "10.0.0.8"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("name %q: %v", name, err)
			}
		}

		id, sess, err := a.StartSession(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		got, gu, err := a.Session(ctx, id)
		if err != nil || gu.ID != u.ID || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("session lookup: %v %+v", err, got)
		}
		if !auth.CheckCSRF(got, sess.CSRFToken) || auth.CheckCSRF(got, "forged") || auth.CheckCSRF(got, "") {
			t.Fatal("CSRF check wrong")
		}
		if _, _, err := a.Session(ctx, "not-a-session"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("bogus session: %v", err)
		}
		if err := a.EndSession(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Session(ctx, id); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("ended session still valid: %v", err)
		}

		secret, _, err := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "sync"})
		if err != nil {
			t.Fatal(err)
		}
		if tu, tok, err := a.APIToken(ctx, secret, "10.0.0.1"); err != nil || tu.ID != u.ID || tok.Scope != model.ScopeContact {
			t.Fatalf("token lookup: %v", err)
		}
		if _, _, err := a.APIToken(ctx, secret+"x", "10.0.0.1"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("forged token: %v", err)
		}

		// Deactivated users can neither log in nor use old sessions.
		id2, _, _ := a.StartSession(ctx, u, "")
		u.Active = false
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Session(ctx, id2); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("inactive user's session: %v", err)
		}
	})
}
