package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestForcedPasswordChange: an admin ticks "must choose a new password";
// the user is sent to the change-password page at login and from every
// other page until they choose one the policy accepts, which brings them
// to work.
func TestForcedPasswordChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		admin := e.signedIn(t, e.admin)
		page := fmt.Sprintf("/admin/users/%d", e.agent1.ID)
		admin.get(page)
		res := admin.post(page, url.Values{"display_name": {"Agent 1"}, "role": {"agent"}, "active": {"on"},
			"must_change_password": {"on"}, "language": {""}, "timezone": {"Asia/Shanghai"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("admin sets the flag: %d\n%s", res.status, res.body)
		}
		if u, _ := s.UserByID(ctx, e.agent1.ID); !u.MustChangePassword {
			t.Fatal("the flag is not stored")
		}
		if res := admin.get(page); !strings.Contains(res.body, `name="must_change_password" id="f-must_change_password" checked`) {
			t.Errorf("the user page does not show the flag")
		}

		c := e.client(t)
		c.get("/login")
		res = c.post("/login", url.Values{"username": {"agent1"}, "password": {password}, "next": {"/records"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/password" {
			t.Fatalf("login: %d %q", res.status, res.header.Get("Location"))
		}
		for _, path := range []string{"/", "/customers", "/records/export.csv", "/profile", "/notifications/stream"} {
			if res := c.get(path); res.status != http.StatusSeeOther || res.header.Get("Location") != "/password" {
				t.Errorf("GET %s: %d %q", path, res.status, res.header.Get("Location"))
			}
		}
		if res := c.htmx("/customers"); res.status != http.StatusForbidden || res.header.Get("HX-Redirect") != "/password" {
			t.Errorf("htmx GET /customers: %d %q", res.status, res.header.Get("HX-Redirect"))
		}
		res = c.get("/password")
		if res.status != http.StatusOK || !strings.Contains(res.body, "管理员要求您修改密码") || strings.Contains(res.body, `href="/customers"`) {
			t.Fatalf("the change-password page: %d\n%s", res.status, res.body)
		}
		if res := c.post("/customers", url.Values{"name": {"Sneaky"}}); res.status != http.StatusSeeOther ||
			res.header.Get("Location") != "/password" {
			t.Errorf("POST /customers: %d", res.status)
		}

		for pw, msg := range map[string]string{"Password123": "该密码过于常见", "agent12024": "密码不能与用户名相同", "short": "至少需要 8 个字符"} {
			res := c.post("/profile/password", url.Values{"current_password": {password}, "password": {pw}, "password_confirm": {pw}})
			if res.status != http.StatusBadRequest || !strings.Contains(res.body, msg) || !strings.Contains(res.body, "password-required") {
				t.Errorf("new password %q: %d\n%s", pw, res.status, res.body)
			}
		}
		res = c.post("/profile/password", url.Values{"current_password": {password}, "password": {"spring rain 2026"},
			"password_confirm": {"spring rain 2026"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
			t.Fatalf("the change: %d %q\n%s", res.status, res.header.Get("Location"), res.body)
		}
		if res := c.get("/customers"); res.status != http.StatusOK {
			t.Errorf("after the change: %d", res.status)
		}
		if u, _ := s.UserByID(ctx, e.agent1.ID); u.MustChangePassword {
			t.Error("the change did not lift the requirement")
		}
		if sess := admin.get("/admin/users"); sess.status != http.StatusOK {
			t.Errorf("the admin's session: %d", sess.status)
		}

		// Creating a user on the web refuses the same passwords.
		res = admin.postHTMX("/admin/users", url.Values{"username": {"zhaoliu"}, "password": {"iloveyou1"}, "role": {"agent"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "该密码过于常见") {
			t.Errorf("new user with a common password: %d\n%s", res.status, res.body)
		}
	})
}
