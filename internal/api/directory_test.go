package api

import (
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestDirectoryHidesContactDetails: a rep's GET /users carries colleagues'
// names, roles and teams, never their usernames, e-mail addresses or
// mobile numbers (their own entry aside); a rep's search does not match
// usernames. Admins see everything.
func TestDirectoryHidesContactDetails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		team := &model.Team{Name: "East"}
		if err := s.CreateTeam(t.Context(), team); err != nil {
			t.Fatal(err)
		}
		admin := e.user(t, "root", model.RoleAdmin, nil)
		rep := e.user(t, "rep1", model.RoleAgent, team)
		mate := e.user(t, "wangwu", model.RoleAgent, team)
		for u, name := range map[*model.User]string{admin: "管理员", rep: "李雷", mate: "王五"} {
			u.Email, u.Mobile, u.DisplayName = u.Username+"@corp.example", "+8613800000001", name
			if err := s.UpdateUser(t.Context(), u); err != nil {
				t.Fatal(err)
			}
		}
		repTok, admTok := bearer(e.token(t, rep)), bearer(e.token(t, admin))

		r := e.do(t, "GET", "users", nil, repTok)
		if r.status != 200 {
			t.Fatalf("rep's GET /users: %v", r)
		}
		items := r.json(t)["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("rep sees %d users, want 3", len(items))
		}
		for _, it := range items {
			u := it.(map[string]any)
			self := u["id"] == float64(rep.ID)
			for _, k := range []string{"username", "email", "mobile"} {
				if _, has := u[k]; has != self {
					t.Errorf("rep's GET /users: user %v has %s = %v (own entry: %v)", u["id"], k, has, self)
				}
			}
			if u["display_name"] == "" || u["team_id"] == nil && u["id"] != float64(admin.ID) {
				t.Errorf("rep's GET /users lacks the name or team: %v", u)
			}
		}
		if strings.Contains(string(r.body), "wangwu") || strings.Contains(string(r.body), "root") {
			t.Errorf("rep's GET /users shows a colleague's e-mail address or username: %s", r.body)
		}
		if one := e.do(t, "GET", "users/"+itoa(mate.ID), nil, repTok); one.status != 200 || strings.Contains(string(one.body), "@corp.example") {
			t.Errorf("rep's GET /users/{id}: %v", one)
		}
		// Searching a colleague's username finds nothing; their name does.
		if r := e.do(t, "GET", "users?q=wangwu", nil, repTok); r.json(t)["total"] != float64(0) {
			t.Errorf("rep's search matched a username: %s", r.body)
		}
		if r := e.do(t, "GET", "users?q=王五", nil, repTok); r.json(t)["total"] != float64(1) {
			t.Errorf("rep's search by name: %s", r.body)
		}

		// Admins see every detail and find users by username.
		r = e.do(t, "GET", "users?q=wangwu", nil, admTok)
		if items := r.json(t)["items"].([]any); len(items) != 1 || items[0].(map[string]any)["email"] != "wangwu@corp.example" {
			t.Errorf("admin's GET /users: %s", r.body)
		}
		// Everyone sees themselves in full at GET /me.
		if me := e.do(t, "GET", "me", nil, repTok); me.json(t)["email"] != "rep1@corp.example" {
			t.Errorf("rep's GET /me: %s", me.body)
		}
	})
}

// TestPasswordResetAndSignOutEndAccess: an admin's password reset ends the
// user's sessions and revokes their tokens (401 afterwards); sign out
// everywhere ends sessions, and tokens with revoke_tokens; disabling a
// user does both.
func TestPasswordResetAndSignOutEndAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		admin := e.user(t, "root", model.RoleAdmin, nil)
		rep := e.user(t, "rep1", model.RoleAgent, nil)
		adm := bearer(e.token(t, admin))

		tok := e.token(t, rep)
		sid, _, err := e.app.Auth.StartSession(ctx, rep, "")
		if err != nil {
			t.Fatal(err)
		}
		if r := e.do(t, "PUT", "users/"+itoa(rep.ID)+"/password", `{"password":"a brand new one"}`, adm); r.status != 204 {
			t.Fatalf("reset: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 401 {
			t.Errorf("token after the reset: %v, want 401", r)
		}
		if r := e.do(t, "GET", "me", nil, cookie(sid)); r.status != 401 {
			t.Errorf("session after the reset: %v, want 401", r)
		}

		// Sign out everywhere, for oneself: sessions end, tokens stay
		// unless revoked too.
		tok = e.token(t, rep)
		sid, sess, _ := e.app.Auth.StartSession(ctx, rep, "")
		other, _, _ := e.app.Auth.StartSession(ctx, rep, "")
		r := e.do(t, "POST", "me/sign-out-everywhere", nil, cookie(sid), header("X-CSRF-Token", sess.CSRFToken))
		if r.status != 200 || r.json(t)["sessions_ended"] != float64(2) || r.json(t)["tokens_revoked"] != float64(0) {
			t.Fatalf("sign out everywhere: %v", r)
		}
		for _, id := range []string{sid, other} {
			if r := e.do(t, "GET", "me", nil, cookie(id)); r.status != 401 {
				t.Errorf("a session survived: %v", r)
			}
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 200 {
			t.Errorf("the token ended without revoke_tokens: %v", r)
		}
		r = e.do(t, "POST", "me/sign-out-everywhere", `{"revoke_tokens":true}`, bearer(tok))
		if r.status != 200 || r.json(t)["tokens_revoked"] != float64(1) {
			t.Fatalf("sign out everywhere with tokens: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 401 {
			t.Errorf("the token survived revoke_tokens: %v", r)
		}

		// An admin signs a user out on their behalf; reps may not.
		tok = e.token(t, rep)
		sid, _, _ = e.app.Auth.StartSession(ctx, rep, "")
		peer := e.user(t, "rep2", model.RoleAgent, nil)
		if r := e.do(t, "POST", "users/"+itoa(rep.ID)+"/sign-out-everywhere", `{"revoke_tokens":true}`, bearer(e.token(t, peer))); r.status != 403 {
			t.Errorf("a rep signing out another: %v, want 403", r)
		}
		if r := e.do(t, "GET", "users/"+itoa(rep.ID)+"/tokens", nil, adm); r.status != 200 || r.json(t)["total"] != float64(1) {
			t.Errorf("admin lists the user's tokens: %v", r)
		}
		r = e.do(t, "POST", "users/"+itoa(rep.ID)+"/sign-out-everywhere", `{"revoke_tokens":true}`, adm)
		if r.status != 200 || r.json(t)["sessions_ended"] != float64(1) || r.json(t)["tokens_revoked"] != float64(1) {
			t.Fatalf("admin signs the user out: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 401 {
			t.Errorf("token after the admin's sign-out: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, cookie(sid)); r.status != 401 {
			t.Errorf("session after the admin's sign-out: %v", r)
		}
		if r := e.do(t, "POST", "users/999999/sign-out-everywhere", nil, adm); r.status != 404 {
			t.Errorf("sign out a missing user: %v, want 404", r)
		}

		// Disabling the user revokes what they hold.
		tok = e.token(t, rep)
		if r := e.do(t, "PATCH", "users/"+itoa(rep.ID), `{"active":false}`, adm); r.status != 200 {
			t.Fatalf("disable: %v", r)
		}
		if r := e.do(t, "PATCH", "users/"+itoa(rep.ID), `{"active":true}`, adm); r.status != 200 {
			t.Fatalf("enable: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, bearer(tok)); r.status != 401 {
			t.Errorf("token after disabling and enabling the user: %v, want 401", r)
		}
	})
}
