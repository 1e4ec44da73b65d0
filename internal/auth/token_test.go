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

func days(n int) *int { return &n }

// expire moves the expiry of token id to at, as time passing would.
func expire(t *testing.T, s *storage.Store, id int64, at time.Time) {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), `UPDATE api_tokens SET expires_at = $1 WHERE id = $2`, at.UTC(), id); err != nil {
		t.Fatal(err)
	}
}

func TestTokenSpecChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		agent := newUser(t, s, "agent", "agent password")
		admin := newUser(t, s, "boss", "admin password")
		admin.Role = model.RoleAdmin
		if err := s.UpdateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name  string
			user  *model.User
			spec  auth.TokenSpec
			field string
		}{
			{"no name", agent, auth.TokenSpec{Name: "  "}, "name"},
			{"unknown scope", agent, auth.TokenSpec{Name: "x", Scope: "write"}, "scope"},
			{"admin scope for a rep", agent, auth.TokenSpec{Name: "x", Scope: model.ScopeAdmin}, "scope"},
			{"never for a rep", agent, auth.TokenSpec{Name: "x", NeverExpires: true}, "never_expires"},
			{"zero days", agent, auth.TokenSpec{Name: "x", ExpiresInDays: days(0)}, "expires_in_days"},
			{"too many days", admin, auth.TokenSpec{Name: "x", ExpiresInDays: days(auth.MaxTokenDays + 1)}, "expires_in_days"},
			{"days and never", admin, auth.TokenSpec{Name: "x", ExpiresInDays: days(30), NeverExpires: true}, "never_expires"},
		} {
			_, _, err := a.CreateAPIToken(ctx, tc.user, tc.spec)
			ve, ok := model.AsValidation(err)
			if !ok || ve.For(tc.field) == nil {
				t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.field)
			}
		}
		if list, _ := a.APITokens(ctx, agent.ID); len(list) != 0 {
			t.Fatalf("refused specs stored tokens: %+v", list)
		}

		// Defaults: contact scope, 90 days.
		before := time.Now()
		_, tok, err := a.CreateAPIToken(ctx, agent, auth.TokenSpec{Name: "sync"})
		if err != nil {
			t.Fatal(err)
		}
		want := before.AddDate(0, 0, auth.DefaultTokenDays)
		if tok.Scope != model.ScopeContact || tok.ExpiresAt == nil || tok.ExpiresAt.Before(want.Add(-time.Second)) ||
			tok.ExpiresAt.After(want.Add(time.Minute)) {
			t.Errorf("default token: scope %s, expires %v, want contact and about %v", tok.Scope, tok.ExpiresAt, want)
		}
		// Admins may make an admin token that never expires; it lists so.
		secret, tok, err := a.CreateAPIToken(ctx, admin, auth.TokenSpec{Name: "ops", Scope: model.ScopeAdmin, NeverExpires: true})
		if err != nil || tok.ExpiresAt != nil || tok.Scope != model.ScopeAdmin {
			t.Fatalf("never-expiring admin token: %+v %v", tok, err)
		}
		list, _ := a.APITokens(ctx, admin.ID)
		if len(list) != 1 || list[0].ExpiresAt != nil || list[0].Expired || list[0].Scope != model.ScopeAdmin {
			t.Errorf("listed admin token: %+v", list)
		}
		if _, _, err := a.APIToken(ctx, secret, "10.0.0.1"); err != nil {
			t.Errorf("never-expiring token refused: %v", err)
		}

		// A disabled user gets no token.
		agent.Active = false
		if err := s.UpdateUser(ctx, agent); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.CreateAPIToken(ctx, agent, auth.TokenSpec{Name: "late"}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("token for a disabled user: %v", err)
		}
	})
}

func TestTokenExpiryUseAndRevocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		u := newUser(t, s, "agent", "agent password")

		secret, tok, err := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "short", ExpiresInDays: days(1)})
		if err != nil {
			t.Fatal(err)
		}
		// The first use is recorded with its address; a use from another
		// address is recorded at once.
		if _, _, err := a.APIToken(ctx, secret, "10.0.0.5"); err != nil {
			t.Fatal(err)
		}
		list, _ := a.APITokens(ctx, u.ID)
		if list[0].LastUsedAt == nil || list[0].LastUsedIP != "10.0.0.5" {
			t.Fatalf("first use not recorded: %+v", list[0])
		}
		if _, _, err := a.APIToken(ctx, secret, "2001:db8::7"); err != nil {
			t.Fatal(err)
		}
		if list, _ = a.APITokens(ctx, u.ID); list[0].LastUsedIP != "2001:db8::7" {
			t.Errorf("use from a new address not recorded: %q", list[0].LastUsedIP)
		}

		// Past its expiry the token is refused as expired, and listed so.
		expire(t, s, tok.ID, time.Now().Add(-time.Second))
		_, _, err = a.APIToken(ctx, secret, "10.0.0.5")
		if !errors.Is(err, auth.ErrTokenExpired) || !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("expired token: %v, want ErrTokenExpired", err)
		}
		if list, _ = a.APITokens(ctx, u.ID); !list[0].Expired {
			t.Errorf("expired token not listed as expired: %+v", list[0])
		}

		// A new password revokes every token and ends every session.
		secret2, _, _ := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "second"})
		sid, _, _ := a.StartSession(ctx, u, "")
		h, _ := auth.HashPassword("a new password")
		out, err := s.SetPassword(ctx, u.ID, h, false)
		if err != nil || out.Sessions != 1 || out.Tokens != 2 {
			t.Fatalf("set password: %+v %v, want 1 session and 2 tokens ended", out, err)
		}
		if _, _, err := a.APIToken(ctx, secret2, "10.0.0.5"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("token survived the password change: %v", err)
		}
		if _, _, err := a.Session(ctx, sid); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("session survived the password change: %v", err)
		}

		// Disabling a user revokes their tokens: enabling them again does
		// not bring them back.
		secret3, _, _ := a.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "third"})
		sid3, _, _ := a.StartSession(ctx, u, "")
		u.Active = false
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		u.Active = true
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.APIToken(ctx, secret3, "10.0.0.5"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("token survived disabling the user: %v", err)
		}
		if _, _, err := a.Session(ctx, sid3); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("session survived disabling the user: %v", err)
		}
		if list, _ := a.APITokens(ctx, u.ID); len(list) != 0 {
			t.Errorf("a disabled user kept tokens: %+v", list)
		}
	})
}
