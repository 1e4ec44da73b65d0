package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
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

func TestTokenScopeExpiryAndLastUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		c := e.signedIn(t, e.agent1)
		page := c.get("/profile")
		// A rep is offered read and contact for 7 to 365 days, not the
		// admin scope nor "never".
		if !strings.Contains(page.body, `<option value="read"`) || strings.Contains(page.body, `<option value="admin"`) ||
			strings.Contains(page.body, `<option value="never"`) || !strings.Contains(page.body, `<option value="90" selected>90 天</option>`) {
			t.Errorf("a rep's token form offers the wrong choices")
		}
		for _, tc := range []struct {
			form url.Values
			text string
		}{
			{url.Values{"name": {"x"}, "scope": {"admin"}, "expires_in_days": {"90"}}, "只有管理员可以创建管理权限的令牌。"},
			{url.Values{"name": {"x"}, "scope": {"read"}, "expires_in_days": {"never"}}, "只有管理员可以创建永不过期的令牌。"},
			{url.Values{"name": {"x"}, "scope": {"read"}, "expires_in_days": {"400"}}, "有效期须在 1 到 365 天之间。"},
			{url.Values{"name": {"x"}, "scope": {"write"}}, "请选择有效的权限范围。"},
		} {
			if res := c.postHTMX("/profile/tokens", tc.form); res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.text) {
				t.Errorf("%v: %d, want 400 saying %q", tc.form, res.status, tc.text)
			}
		}
		if list, _ := e.app.Auth.APITokens(ctx, e.agent1.ID); len(list) != 0 {
			t.Fatalf("refused forms made tokens: %+v", list)
		}

		res := c.postHTMX("/profile/tokens", url.Values{"name": {"Report export"}, "scope": {"read"}, "expires_in_days": {"7"}})
		m := secretPattern.FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil {
			t.Fatalf("create a read token: %d\n%s", res.status, res.body)
		}
		list, _ := e.app.Auth.APITokens(ctx, e.agent1.ID)
		if len(list) != 1 || list[0].Scope != model.ScopeRead || list[0].ExpiresAt == nil ||
			time.Until(*list[0].ExpiresAt) > 7*24*time.Hour || time.Until(*list[0].ExpiresAt) < 6*24*time.Hour {
			t.Fatalf("stored token: %+v", list)
		}
		// Its use is listed with the address it came from.
		if _, _, err := e.app.Auth.APIToken(ctx, m[1], "198.51.100.7"); err != nil {
			t.Fatal(err)
		}
		page = c.get("/profile")
		if !strings.Contains(page.body, "198.51.100.7") || !strings.Contains(page.body, "只读") ||
			!strings.Contains(page.body, list[0].ExpiresAt.In(shanghai(t)).Format("2006-01-02 15:04")) {
			t.Errorf("the profile does not show the token's scope, expiry and last use")
		}

		// An admin may choose the admin scope and no expiry, shown as such.
		a := e.signedIn(t, e.admin)
		if page := a.get("/profile"); !strings.Contains(page.body, `<option value="admin"`) || !strings.Contains(page.body, `<option value="never"`) {
			t.Errorf("the admin's token form lacks the admin scope or never")
		}
		res = a.postHTMX("/profile/tokens", url.Values{"name": {"Host CRM"}, "scope": {"admin"}, "expires_in_days": {"never"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "永不过期</span>") {
			t.Fatalf("never-expiring admin token: %d\n%s", res.status, res.body)
		}
		if list, _ := e.app.Auth.APITokens(ctx, e.admin.ID); len(list) != 1 || list[0].ExpiresAt != nil || list[0].Scope != model.ScopeAdmin {
			t.Errorf("admin token stored as %+v", list)
		}
	})
}

func TestPasswordChangeRevokesTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		secret, _, err := e.app.Auth.CreateAPIToken(ctx, e.agent1, auth.TokenSpec{Name: "sync"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.signedIn(t, e.agent1)
		c.get("/profile")
		res := c.post("/profile/password", url.Values{"current_password": {password}, "password": {"brand new pw"}, "password_confirm": {"brand new pw"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("change password: %d", res.status)
		}
		if _, _, err := e.app.Auth.APIToken(ctx, secret, "10.0.0.1"); err == nil {
			t.Error("the token survived the password change")
		}
		// An admin's reset does the same.
		secret, _, _ = e.app.Auth.CreateAPIToken(ctx, e.agent2, auth.TokenSpec{Name: "sync"})
		victim := e.signedIn(t, e.agent2)
		a := e.signedIn(t, e.admin)
		a.get(fmt.Sprintf("/admin/users/%d", e.agent2.ID))
		if res := a.post(fmt.Sprintf("/admin/users/%d/password", e.agent2.ID), url.Values{"password": {"reset by admin"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.status)
		}
		if _, _, err := e.app.Auth.APIToken(ctx, secret, "10.0.0.1"); err == nil {
			t.Error("the token survived the admin's reset")
		}
		if res := victim.get("/profile"); res.status != http.StatusSeeOther {
			t.Errorf("the session survived the admin's reset: %d", res.status)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		secret, _, _ := e.app.Auth.CreateAPIToken(ctx, e.agent1, auth.TokenSpec{Name: "sync"})
		laptop, phone := e.signedIn(t, e.agent1), e.signedIn(t, e.agent1)
		mate := e.signedIn(t, e.agent2)

		page := laptop.get("/profile")
		if !strings.Contains(page.body, `action="/profile/sign-out-everywhere"`) {
			t.Fatal("the profile has no sign-out-everywhere form")
		}
		res := laptop.post("/profile/sign-out-everywhere", url.Values{"revoke_tokens": {"1"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
			t.Fatalf("sign out everywhere: %d %q", res.status, res.header.Get("Location"))
		}
		if res := laptop.get("/login"); !strings.Contains(res.body, "已在所有设备上退出登录，API 令牌已全部吊销。") {
			t.Errorf("the login page does not say what happened")
		}
		for name, c := range map[string]*client{"this browser": laptop, "the phone": phone} {
			if res := c.get("/profile"); res.status != http.StatusSeeOther {
				t.Errorf("%s is still signed in: %d", name, res.status)
			}
		}
		if res := mate.get("/profile"); res.status != http.StatusOK {
			t.Errorf("another user was signed out: %d", res.status)
		}
		if _, _, err := e.app.Auth.APIToken(ctx, secret, "10.0.0.1"); err == nil {
			t.Error("the token survived revoke_tokens")
		}

		// An admin signs a user out on their behalf from the user's page,
		// which lists the user's tokens; a rep may not.
		secret, _, _ = e.app.Auth.CreateAPIToken(ctx, e.agent2, auth.TokenSpec{Name: "Mate's sync"})
		rep := e.signedIn(t, e.agent1)
		if res := rep.post(fmt.Sprintf("/admin/users/%d/sign-out-everywhere", e.agent2.ID), nil); res.status != http.StatusForbidden {
			t.Errorf("a rep signing out another: %d", res.status)
		}
		a := e.signedIn(t, e.admin)
		page = a.get(fmt.Sprintf("/admin/users/%d", e.agent2.ID))
		if !strings.Contains(page.body, "Mate&#39;s sync") || !strings.Contains(page.body, fmt.Sprintf(`action="/admin/users/%d/sign-out-everywhere"`, e.agent2.ID)) {
			t.Fatalf("the user page lacks the tokens or the sign-out form")
		}
		res = a.post(fmt.Sprintf("/admin/users/%d/sign-out-everywhere", e.agent2.ID), nil)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/admin/users/%d", e.agent2.ID) {
			t.Fatalf("admin signs the user out: %d %q", res.status, res.header.Get("Location"))
		}
		if res := mate.get("/profile"); res.status != http.StatusSeeOther {
			t.Errorf("the user is still signed in: %d", res.status)
		}
		if _, _, err := e.app.Auth.APIToken(ctx, secret, "10.0.0.1"); err != nil {
			t.Errorf("the token ended without revoke_tokens: %v", err)
		}
		if res := a.get("/profile"); res.status != http.StatusOK {
			t.Errorf("the admin was signed out: %d", res.status)
		}
		a.get(fmt.Sprintf("/admin/users/%d", e.agent2.ID))
		a.post(fmt.Sprintf("/admin/users/%d/sign-out-everywhere", e.agent2.ID), url.Values{"revoke_tokens": {"on"}})
		if _, _, err := e.app.Auth.APIToken(ctx, secret, "10.0.0.1"); err == nil {
			t.Error("the token survived the admin's revoke_tokens")
		}
	})
}

func TestPagesRefuseBearerTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		secret, _, _ := e.app.Auth.CreateAPIToken(context.Background(), e.agent1, auth.TokenSpec{Name: "sync"})
		c := e.client(t)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/profile/tokens", strings.NewReader(url.Values{"name": {"sneaky"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+secret)
		if res := c.do(req); res.status != http.StatusSeeOther {
			t.Errorf("a form posted with a bearer token: %d, want the login page", res.status)
		}
		if list, _ := e.app.Auth.APITokens(context.Background(), e.agent1.ID); len(list) != 1 {
			t.Errorf("a bearer token made a token through the page: %d tokens", len(list))
		}
	})
}
