package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestLoginRotatesTheSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		first := newUser(t, s, "first", "first password")
		second := newUser(t, s, "second", "second password")

		old, _, err := a.StartSession(ctx, first, "")
		if err != nil {
			t.Fatal(err)
		}
		// Another login in the same browser (here as someone else) gets a
		// new id and ends the session the browser held.
		id, _, err := a.StartSession(ctx, second, old)
		if err != nil || id == old {
			t.Fatalf("second login: %q %v", id, err)
		}
		if _, _, err := a.Session(ctx, old); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("the earlier session is still alive: %v", err)
		}
		if _, u, err := a.Session(ctx, id); err != nil || u.ID != second.ID {
			t.Errorf("the new session: %v", err)
		}
	})
}

func TestSessionIdleAndAbsoluteLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.SessionLimits{Idle: time.Hour, Max: 2 * time.Hour})
		u := newUser(t, s, "agent", "agent password")
		set := func(id int64, created, expires time.Time) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, `UPDATE sessions SET created_at = $1, expires_at = $2 WHERE user_id = $3`,
				created.UTC(), expires.UTC(), id); err != nil {
				t.Fatal(err)
			}
		}

		id, sess, err := a.StartSession(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		if d := sess.EndsAt.Sub(sess.CreatedAt); d != 2*time.Hour {
			t.Errorf("absolute end %v after the login, want 2h", d)
		}
		if d := time.Until(sess.ExpiresAt); d > time.Hour || d < 59*time.Minute {
			t.Errorf("idle expiry in %v, want 1h", d)
		}

		// Used an hour after the login, the session slides on, but not
		// past its absolute end.
		now := time.Now()
		set(u.ID, now.Add(-90*time.Minute), now.Add(time.Minute))
		got, _, err := a.Session(ctx, id)
		if err != nil {
			t.Fatalf("session in use: %v", err)
		}
		if !got.ExpiresAt.Equal(got.EndsAt) || got.EndsAt.Sub(now) > 31*time.Minute {
			t.Errorf("slid to %v with the end at %v: want the end, 30m from now", got.ExpiresAt, got.EndsAt)
		}

		// Idle past its expiry it ends.
		set(u.ID, now.Add(-30*time.Minute), now.Add(-time.Second))
		if _, _, err := a.Session(ctx, id); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("idle session: %v", err)
		}
		// Past its absolute end it ends, however recently used.
		set(u.ID, now.Add(-2*time.Hour-time.Second), now.Add(time.Hour))
		if _, _, err := a.Session(ctx, id); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("session past its absolute end: %v", err)
		}
		// The sweep removes it, and long-expired tokens, but keeps tokens
		// that expired lately (listed as expired).
		_, old, _ := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "old"})
		_, recent, _ := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "recent"})
		for tok, ago := range map[int64]time.Duration{old.ID: auth.TokenKeep + time.Hour, recent.ID: time.Hour} {
			expire(t, s, tok, now.Add(-ago))
		}
		sessions, tokens, err := a.SweepExpired(ctx)
		if err != nil || sessions != 1 || tokens != 1 {
			t.Fatalf("sweep: %d sessions, %d tokens, %v; want 1 and 1", sessions, tokens, err)
		}
		if list, _ := a.APITokens(ctx, u.ID); len(list) != 1 || list[0].ID != recent.ID || !list[0].Expired {
			t.Errorf("after the sweep: %+v", list)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		u := newUser(t, s, "agent", "agent password")
		other := newUser(t, s, "other", "other password")
		laptop, _, _ := a.StartSession(ctx, u, "")
		phone, _, _ := a.StartSession(ctx, u, "")
		theirs, _, _ := a.StartSession(ctx, other, "")
		secret, _, _ := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "sync"})

		out, err := a.SignOutEverywhere(ctx, u.ID, false)
		if err != nil || out.Sessions != 2 || out.Tokens != 0 {
			t.Fatalf("sign out: %+v %v", out, err)
		}
		for _, id := range []string{laptop, phone} {
			if _, _, err := a.Session(ctx, id); !errors.Is(err, model.ErrUnauthenticated) {
				t.Errorf("a session survived: %v", err)
			}
		}
		if _, _, err := a.Session(ctx, theirs); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		if _, _, err := a.APIToken(ctx, secret, "10.0.0.1"); err != nil {
			t.Errorf("the token ended without revoke_tokens: %v", err)
		}
		if out, err := a.SignOutEverywhere(ctx, u.ID, true); err != nil || out.Tokens != 1 {
			t.Fatalf("sign out with tokens: %+v %v", out, err)
		}
		if _, _, err := a.APIToken(ctx, secret, "10.0.0.1"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("the token survived: %v", err)
		}
	})
}
