package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

var (
	formTag     = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	postMethod  = regexp.MustCompile(`(?i)\bmethod="post"`)
	csrfInput   = regexp.MustCompile(`name="csrf_token" value="[^"]{20,}"`)
	scriptTag   = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	handlerAttr = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	jsURL       = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"\s*javascript:`)
)

// htmlPages answers every page of the matrix that caller may open (200,
// not a stream), rendered on tg.
func (w *pworld) htmlPages(t *testing.T, caller string, tg *targets) map[string]response {
	out := map[string]response{}
	c := w.session(t, caller)
	for _, r := range pageRows() {
		if r.method != "GET" || r.stream || r.want[caller] != 200 {
			continue
		}
		path := tg.expand(r.path, caller)
		res := c.get(path)
		if r.htmx {
			res = c.htmx(path)
		}
		if res.status != 200 {
			t.Fatalf("GET %s as %s: %d", path, caller, res.status)
		}
		if strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			out[path] = res
		}
	}
	return out
}

// TestFormsCarryCSRFTokens: every form that posts, on every page any
// caller sees, carries the CSRF token; every state-changing route refuses
// a post without it, or with another session's, and changes nothing.
func TestFormsCarryCSRFTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPWorld(t, s)
		tg := w.build(t)
		forms, pages := 0, 0
		for _, caller := range []string{anon, rep, manager, admin} {
			for path, res := range w.htmlPages(t, caller, tg) {
				pages++
				for _, m := range formTag.FindAllStringSubmatch(res.body, -1) {
					if !postMethod.MatchString(m[1]) {
						continue
					}
					forms++
					if !csrfInput.MatchString(m[2]) {
						t.Errorf("GET %s as %s: a post form without a CSRF token: <form%s>", path, caller, m[1])
					}
				}
				if strings.Contains(res.body, "<body") && !strings.Contains(res.body, `hx-headers='{"X-CSRF-Token": "`) {
					t.Errorf("GET %s as %s: htmx requests would carry no CSRF token", path, caller)
				}
			}
		}
		refused := 0
		other := w.session(t, peer).csrf
		for _, r := range pageRows() {
			if r.method != "POST" || strings.HasPrefix(r.path, "/u/") {
				continue // one-click unsubscribe: the signed link is the credential
			}
			for _, token := range []string{"", other} {
				c := w.session(t, admin)
				form := url.Values{}
				for k, vs := range r.form {
					form[k] = []string{tg.expand(vs[0], admin)}
				}
				if token != "" {
					form.Set("csrf_token", token)
				}
				before := w.snapshot(t, tg)
				res := c.postRaw(tg.expand(r.path, admin), form, nil)
				if res.status != http.StatusForbidden {
					t.Errorf("POST %s with CSRF token %q: %d, want 403", r.path, token, res.status)
				}
				if w.snapshot(t, tg) != before {
					t.Errorf("POST %s without its CSRF token changed data", r.path)
				}
				refused++
			}
		}
		if forms < 50 {
			t.Fatalf("only %d post forms found on %d pages", forms, pages)
		}
		t.Logf("%d post forms on %d pages carry the token; %d posts without it refused", forms, pages, refused)
	})
}

// TestCrossSiteRequestsRefused: a form post a browser marks as coming
// from another site is refused, even with the right CSRF token; the same
// post from the server's own origin goes on. (The API's check is tested
// with the API.)
func TestCrossSiteRequestsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		c := e.signedIn(t, e.agent1)
		self := e.srv.URL
		for _, tc := range []struct {
			header map[string]string
			want   int
		}{
			{map[string]string{"Origin": "https://evil.example"}, 403},
			{map[string]string{"Origin": "null"}, 403},
			{map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
			{map[string]string{"Origin": self}, 303},
			{map[string]string{"Sec-Fetch-Site": "same-origin"}, 303},
		} {
			res := c.postRaw("/notifications/read", url.Values{"csrf_token": {c.csrf}}, tc.header)
			if res.status != tc.want {
				t.Errorf("page form with %v: %d, want %d", tc.header, res.status, tc.want)
			}
		}
	})
}

// TestSessionCookieFlags: the session cookie is HttpOnly and SameSite=Lax
// always, Secure behind an https base URL (the default for a deployment)
// and whenever cookie-secure is set; the anonymous CSRF cookie is
// HttpOnly and SameSite=Strict.
func TestSessionCookieFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		c := e.client(t)
		page := c.get("/login")
		anonCookie := cookieNamed(page.header, "touchbase_csrf")
		if anonCookie == nil || !anonCookie.HttpOnly || anonCookie.SameSite != http.SameSiteStrictMode {
			t.Fatalf("anonymous CSRF cookie: %+v", anonCookie)
		}
		res := c.post("/login", url.Values{"username": {"agent1"}, "password": {password}})
		sc := cookieNamed(res.header, httpauth.CookieName)
		if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.MaxAge <= 0 {
			t.Fatalf("session cookie: %+v", sc)
		}
		e.app.Resolver.Secure = true // as behind https://
		rec := &headerRecorder{h: http.Header{}}
		e.app.Resolver.SetCookie(rec, "id", &model.Session{EndsAt: time.Now().Add(time.Hour)})
		if sc := cookieNamed(rec.h, httpauth.CookieName); sc == nil || !sc.Secure || !sc.HttpOnly {
			t.Fatalf("session cookie behind https: %+v", sc)
		}
	})
}

type headerRecorder struct{ h http.Header }

func (r *headerRecorder) Header() http.Header         { return r.h }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(int)             {}

func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestNoInlineScripts: the templates hold no inline script, event
// handler attribute or javascript: URL, our scripts insert no markup,
// and every page is served with a
// Content-Security-Policy whose scripts come from the server alone.
func TestNoInlineScripts(t *testing.T) {
	err := filepath.WalkDir("templates", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := inlineScript(string(b)); m != "" {
			t.Errorf("%s: inline script %q", path, m)
		}
		return nil
	})
	must(t, err)
	// Live notifications and toasts arrive as JSON; our scripts put their
	// text in as text, never as markup.
	scripts, err := filepath.Glob("static/*.js")
	must(t, err)
	for _, path := range scripts {
		if strings.Contains(path, "htmx") {
			continue // vendored
		}
		b, err := os.ReadFile(path)
		must(t, err)
		for _, sink := range []string{"innerHTML", "outerHTML =", "insertAdjacentHTML", "document.write", "eval("} {
			if strings.Contains(string(b), sink) {
				t.Errorf("%s writes markup with %s", path, sink)
			}
		}
	}
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPWorld(t, s)
		tg := w.build(t)
		n := 0
		for _, caller := range []string{anon, rep, admin} {
			for path, res := range w.htmlPages(t, caller, tg) {
				n++
				csp := res.header.Get("Content-Security-Policy")
				script := cspDirective(csp, "script-src")
				if script == "" {
					script = cspDirective(csp, "default-src")
				}
				if script != "'self'" || strings.Contains(csp, "unsafe-eval") {
					t.Errorf("GET %s as %s: script policy %q (CSP %q)", path, caller, script, csp)
				}
				if m := inlineScript(res.body); m != "" {
					t.Errorf("GET %s as %s: inline script %q", path, caller, m)
				}
			}
		}
		t.Logf("%d pages checked", n)
	})
}

// inlineScript returns the first script the page runs inline: a script
// element without src or with a body, an event handler attribute or a
// javascript: URL; "" when there is none.
func inlineScript(html string) string {
	for _, m := range scriptTag.FindAllStringSubmatch(html, -1) {
		if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
			return m[0]
		}
	}
	if m := handlerAttr.FindString(html); m != "" {
		return m
	}
	return jsURL.FindString(html)
}

func cspDirective(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), name+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// xss are the stored payloads of TestStoredXSS.
var xss = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}

// TestStoredXSS puts script payloads in every text field a user can fill
// — customer, contact, record, plan, bulk send, topic, team, user and
// notification — renders every page as a rep, a manager and an admin,
// and finds them only escaped; the e-mails the product writes (merge
// fields in a rep's HTML, plan reminders) escape them too.
func TestStoredXSS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newPWorld(t, s)
		tg := w.build(t)
		p := xss[0] + xss[1]
		must(t, w.e.store.UpdateCustomer(ctx, &model.Customer{ID: tg.customer.ID, Code: tg.customer.Code, Name: tg.customer.Name + p,
			Level: p, Industry: p, RepID: tg.customer.RepID}))
		tg.customer.Name += p
		tg.contact.Name, tg.contact.Title = p, p
		must(t, w.e.store.UpdateContact(ctx, tg.contact))
		agent := w.users[rep]
		must(t, w.e.store.CreateRecord(ctx, &model.Record{CustomerID: tg.customer.ID, ContactID: &tg.contact.ID, UserID: &agent.ID,
			Channel: "phone", Source: model.SourceManual, Title: p, Summary: p, TopicIDs: []int64{w.topic.ID}, ContactedAt: time.Now()}))
		must(t, w.e.store.CreatePlans(ctx, []*model.Plan{{OwnerID: agent.ID, CustomerID: tg.customer.ID, Title: p, Notes: p,
			DueAt: time.Now().Add(time.Hour)}}, nil))
		later := time.Now().Add(72 * time.Hour)
		_, err := w.e.app.Bulk.Create(ctx, permission.For(agent, model.Settings{Visibility: model.VisibilityOwn}), agent,
			bulk.Input{Title: p, SMSText: p, EmailSubject: p, EmailBody: p, ScheduledAt: &later,
				Recipients: storage.RecipientSelection{ContactIDs: []int64{tg.contact.ID}}})
		must(t, err)
		w.topic.Name, w.topic.NameEN = p, p
		must(t, w.e.store.UpdateTopic(ctx, w.topic))
		team := &model.Team{ID: *agent.TeamID, Name: p, ManagerID: &w.users[manager].ID}
		must(t, w.e.store.UpdateTeam(ctx, team))
		for _, u := range []*model.User{agent, w.users[manager]} {
			u.DisplayName = p
			must(t, w.e.store.UpdateUser(ctx, u))
		}
		for _, c := range []string{rep, manager, admin} {
			_, err := w.e.store.CreateNotification(ctx, &model.Notification{UserID: w.users[c].ID, Kind: "test", Title: p, Body: p, Link: "/"})
			must(t, err)
		}
		// An e-mail sent from the contact dialog, its HTML written by the rep.
		c := w.session(t, rep)
		res := c.post(fmt.Sprintf("/customers/%d/contact", tg.customer.ID), url.Values{"contact_id": {fmt.Sprint(tg.contact.ID)},
			"title": {p}, "summary": {p}, "channels": {"email"}, "email_subject": {"您好 {{contact.name}}"},
			"email_body": {"<p>您好 {{contact.name}}，{{customer.name}}</p>"}})
		if res.status >= 400 {
			t.Fatalf("single contact e-mail: %d\n%.800s", res.status, res.body)
		}
		pages := 0
		for _, caller := range []string{rep, manager, admin} {
			for path, res := range w.htmlPages(t, caller, tg) {
				pages++
				for _, x := range xss {
					if strings.Contains(res.body, x) {
						i := strings.Index(res.body, x)
						t.Errorf("GET %s as %s: payload %q unescaped: …%s…", path, caller, x, res.body[max(0, i-200):i+len(x)])
					}
				}
			}
		}
		escaped := false
		for path, res := range w.htmlPages(t, admin, tg) {
			if strings.Contains(path, "/customers/") && strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				escaped = true
			}
		}
		if !escaped {
			t.Fatal("the payload is shown nowhere, escaped: the test would not see it")
		}
		msgs, err := w.e.store.ListOutbox(ctx, storage.OutboxFilter{Limit: 10})
		must(t, err)
		mailed := false
		for _, m := range msgs {
			if m.HTML == "" {
				continue
			}
			mailed = true
			for _, x := range xss {
				if strings.Contains(m.HTML, x) {
					t.Errorf("e-mail to %s: payload %q unescaped in %q", m.To, x, m.HTML)
				}
			}
			if !strings.Contains(m.HTML, "&lt;script&gt;") {
				t.Errorf("e-mail to %s: the contact's name is missing: %q", m.To, m.HTML)
			}
		}
		if !mailed {
			t.Fatal("no e-mail in the outbox")
		}
		t.Logf("%d pages checked for %d payloads", pages, len(xss))
	})
}
