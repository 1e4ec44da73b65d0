package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/httpauth"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)

		t.Run("anonymous visitors go to the login page", func(t *testing.T) {
			c := e.client(t)
			res := c.get("/customers?q=acme")
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login?next="+url.QueryEscape("/customers?q=acme") {
				t.Fatalf("GET /customers anonymously: %d %q", res.status, res.header.Get("Location"))
			}
		})

		t.Run("good password sets the session and goes to next", func(t *testing.T) {
			c := e.client(t)
			c.get("/login?next=/customers/1")
			res := c.post("/login", url.Values{"username": {"agent1"}, "password": {password}, "next": {"/customers/1"}})
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/customers/1" {
				t.Fatalf("login: %d %q", res.status, res.header.Get("Location"))
			}
			if !strings.Contains(res.header.Get("Set-Cookie"), "touchbase_session=") {
				t.Errorf("no session cookie: %q", res.header.Values("Set-Cookie"))
			}
		})

		t.Run("next cannot leave the site", func(t *testing.T) {
			c := e.client(t)
			c.get("/login")
			res := c.post("/login", url.Values{"username": {"agent1"}, "password": {password}, "next": {"//evil.example/x"}})
			if loc := res.header.Get("Location"); loc != "/" {
				t.Errorf("redirected to %q", loc)
			}
		})

		t.Run("wrong password", func(t *testing.T) {
			c := e.client(t)
			c.lang = "en"
			c.get("/login")
			res := c.post("/login", url.Values{"username": {"agent2"}, "password": {"nope"}})
			if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong username or password.") {
				t.Fatalf("bad login: %d\n%s", res.status, res.body)
			}
			if strings.Contains(res.header.Get("Set-Cookie"), "touchbase_session=") {
				t.Error("a failed login set a session cookie")
			}
		})

		t.Run("login without the CSRF token is refused", func(t *testing.T) {
			c := e.client(t)
			c.get("/login")
			res := c.postRaw("/login", url.Values{"username": {"agent1"}, "password": {password}}, nil)
			if res.status != http.StatusForbidden {
				t.Fatalf("login without token: %d", res.status)
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			c := e.signedIn(t, e.agent1)
			res := c.post("/logout", nil)
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
				t.Fatalf("logout: %d %q", res.status, res.header.Get("Location"))
			}
			if res := c.get("/customers"); res.status != http.StatusSeeOther {
				t.Errorf("after logout GET /customers: %d", res.status)
			}
		})

		t.Run("throttled after repeated failures", func(t *testing.T) {
			start := time.Now() // a slow run must not outwait the 1 s wait
			e.app.Auth.SetThrottle(auth.DefaultThrottle, func() time.Time { return start })
			c := e.client(t)
			c.get("/login")
			for range auth.DefaultThrottle.FreeFailures + 1 {
				c.post("/login", url.Values{"username": {"agent2"}, "password": {"guess"}})
			}
			res := c.post("/login", url.Values{"username": {"agent2"}, "password": {password}})
			if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "登录失败次数过多，请 1 秒后再试") ||
				res.header.Get("Retry-After") != "1" {
				t.Fatalf("throttled login: %d %q\n%s", res.status, res.header.Get("Retry-After"), res.body)
			}
			// The admins see the failures on their list; their own right
			// password from the same address is not held up.
			page := e.signedIn(t, e.admin).get("/admin/login-failures")
			if page.status != http.StatusOK || !strings.Contains(page.body, "<td class=\"name-cell\">agent2</td>") ||
				!strings.Contains(page.body, `<td class="num">4</td>`) {
				t.Fatalf("failed logins page: %d\n%s", page.status, page.body)
			}
		})
	})
}

func TestLanguageNegotiation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		for _, tc := range []struct{ accept, want, text string }{
			{"", "zh-CN", "登录 Touchbase"},
			{"en-US,en;q=0.9", "en", "Log in to Touchbase"},
			{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "登录 Touchbase"},
			{"fr-FR, en;q=0.5", "en", "Log in to Touchbase"},
			{"de", "zh-CN", "登录 Touchbase"},
		} {
			c := e.client(t)
			c.lang = tc.accept
			res := c.get("/login")
			if !strings.Contains(res.body, `<html lang="`+tc.want+`">`) || !strings.Contains(res.body, tc.text) {
				t.Errorf("Accept-Language %q: want %s page with %q", tc.accept, tc.want, tc.text)
			}
		}

		// A signed-in user's saved preference wins over the browser.
		c := e.signedIn(t, e.agent1)
		c.lang = "zh-CN"
		if res := c.post("/language", url.Values{"lang": {"en"}, "return": {"/profile"}}); res.header.Get("Location") != "/profile" {
			t.Fatalf("language switch: %d %q", res.status, res.header.Get("Location"))
		}
		c2 := e.signedIn(t, e.agent1) // a new browser, still asking for Chinese
		c2.lang = "zh-CN"
		if res := c2.get("/profile"); !strings.Contains(res.body, `<html lang="en">`) {
			t.Errorf("saved preference en not used: %.300s", res.body)
		}
	})
}

// sessionCookie returns the session cookie the client's jar holds.
func (c *client) sessionCookie() string {
	c.t.Helper()
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == httpauth.CookieName {
			return ck.Value
		}
	}
	return ""
}

func TestLoginRotatesTheSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		c := e.client(t)
		c.get("/login")
		staleForm := c.csrf // a login form left open in another tab
		c.login("agent1")
		first := c.sessionCookie()
		if first == "" {
			t.Fatal("no session cookie after the login")
		}
		// A second login in the same browser, as another user from that
		// form, gets a new id, and the first session is over, wherever
		// its id is.
		c.csrf = staleForm
		res := c.post("/login", url.Values{"username": {"agent2"}, "password": {password}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("second login: %d", res.status)
		}
		second := c.sessionCookie()
		if second == "" || second == first {
			t.Fatalf("second login kept the session id")
		}
		stolen := e.client(t)
		u, _ := url.Parse(e.srv.URL)
		stolen.http.Jar.SetCookies(u, []*http.Cookie{{Name: httpauth.CookieName, Value: first, Path: "/"}})
		if res := stolen.get("/customers"); res.status != http.StatusSeeOther {
			t.Errorf("the earlier session still opens pages: %d", res.status)
		}
		if _, _, err := e.app.Auth.Session(context.Background(), first); err == nil {
			t.Error("the earlier session is still stored")
		}
		if res := c.get("/profile"); res.status != http.StatusOK || !strings.Contains(res.body, `value="agent2@example.com"`) {
			t.Errorf("the new session: %d", res.status)
		}
	})
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	for base, secure := range map[string]bool{"https://crm.example.com": true, "": false} {
		t.Run("base="+base, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *storage.Store) {
				cfg := config.Defaults()
				cfg.DataDir = t.TempDir()
				cfg.BaseURL = base
				if err := cfg.Finish(); err != nil {
					t.Fatal(err)
				}
				e := newEnvWith(t, s, cfg)
				c := e.client(t)
				page := c.get("/login")
				res := c.post("/login", url.Values{"username": {"agent1"}, "password": {password}})
				if res.status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.status)
				}
				set := append(page.header.Values("Set-Cookie"), res.header.Values("Set-Cookie")...)
				found := false
				for _, line := range set {
					if !strings.HasPrefix(line, httpauth.CookieName+"=") && !strings.HasPrefix(line, "touchbase_csrf=") {
						continue
					}
					found = found || strings.HasPrefix(line, httpauth.CookieName+"=")
					if got := strings.Contains(line, "; Secure"); got != secure {
						t.Errorf("%q, want Secure = %v", line, secure)
					}
				}
				if !found {
					t.Errorf("no session cookie in %q", set)
				}
			})
		})
	}
}
