package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		c := e.signedIn(t, e.agent1)
		if res := c.get("/profile"); res.status != http.StatusOK || !strings.Contains(res.body, `value="agent1@example.com"`) {
			t.Fatalf("profile: %d", res.status)
		}
		res := c.post("/profile", url.Values{"display_name": {"Agent One"}, "email": {"not-an-email"}, "timezone": {"Asia/Shanghai"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "邮箱地址格式不正确") || !strings.Contains(res.body, `value="Agent One"`) {
			t.Fatalf("bad e-mail: %d", res.status)
		}
		res = c.post("/profile", url.Values{"display_name": {"Agent One"}, "email": {"one@example.com"}, "language": {"en"}, "timezone": {"Europe/London"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save profile: %d\n%s", res.status, res.body)
		}
		if res := c.get("/profile"); !strings.Contains(res.body, `<html lang="en">`) || !strings.Contains(res.body, "Profile saved.") {
			t.Errorf("after saving language en the page is not English")
		}
		u, _ := s.UserByID(ctx, e.agent1.ID)
		if u.DisplayName != "Agent One" || u.Timezone != "Europe/London" || u.Role != e.agent1.Role {
			t.Errorf("saved profile: %+v", u)
		}

		// Password: wrong current, mismatch, then a change that keeps this browser signed in.
		other := e.signedIn(t, e.agent1)
		res = c.post("/profile/password", url.Values{"current_password": {"nope"}, "password": {"brand new pw"}, "password_confirm": {"brand new pw"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "The current password is wrong.") {
			t.Errorf("wrong current password: %d", res.status)
		}
		res = c.post("/profile/password", url.Values{"current_password": {password}, "password": {"brand new pw"}, "password_confirm": {"brand new px"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "The two entries differ.") {
			t.Errorf("mismatch: %d", res.status)
		}
		res = c.post("/profile/password", url.Values{"current_password": {password}, "password": {"brand new pw"}, "password_confirm": {"brand new pw"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%s", res.status, res.body)
		}
		if res := c.get("/profile"); res.status != http.StatusOK {
			t.Errorf("this browser was logged out: %d", res.status)
		}
		if res := other.get("/profile"); res.status != http.StatusSeeOther {
			t.Errorf("the other session survived the password change: %d", res.status)
		}
	})
}

var secretPattern = regexp.MustCompile(`<code id="token-secret">(tb_[^<]+)</code>`)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		c := e.signedIn(t, e.agent1)
		c.get("/profile")
		if res := c.postHTMX("/profile/tokens", url.Values{"name": {" "}}); res.status != http.StatusBadRequest || !strings.Contains(res.body, "此项为必填项") {
			t.Errorf("token without name: %d", res.status)
		}
		res := c.postHTMX("/profile/tokens", url.Values{"name": {"CRM sync"}})
		m := secretPattern.FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil || strings.Contains(res.body, "<html") {
			t.Fatalf("create token: %d\n%s", res.status, res.body)
		}
		if u, _, err := e.app.Auth.APIToken(ctx, m[1], "192.0.2.1"); err != nil || u.ID != e.agent1.ID {
			t.Fatalf("the shown secret does not authenticate: %v", err)
		}
		page := c.get("/profile")
		if strings.Contains(page.body, m[1]) || !strings.Contains(page.body, "CRM sync") {
			t.Error("the secret is shown again, or the token is not listed")
		}
		tokens, _ := e.app.Auth.APITokens(ctx, e.agent1.ID)
		// Another user cannot revoke it.
		if res := e.signedIn(t, e.agent2).postHTMX(fmt.Sprintf("/profile/tokens/%d/delete", tokens[0].ID), nil); res.status != http.StatusNotFound {
			t.Errorf("revoking another user's token: %d", res.status)
		}
		res = c.postHTMX(fmt.Sprintf("/profile/tokens/%d/delete", tokens[0].ID), nil)
		if res.status != http.StatusOK || strings.Contains(res.body, "CRM sync") {
			t.Errorf("revoke: %d", res.status)
		}
		if _, _, err := e.app.Auth.APIToken(ctx, m[1], "192.0.2.1"); err == nil {
			t.Error("a revoked token still works")
		}
	})
}
