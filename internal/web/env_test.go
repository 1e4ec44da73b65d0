package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	adminsvc "touchbase/internal/admin"
	"touchbase/internal/app"
	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/browser"
	"touchbase/internal/web"
)

const password = "correct horse"

// passwordHash is every test user's password, hashed once with light
// costs: under the race detector a hash at the production costs takes a
// quarter of a second, to make and at every sign-in.
var passwordHash = sync.OnceValue(func() string {
	h, err := auth.HashPasswordWith(password, auth.Params{Time: 1, Memory: 64, Threads: 1})
	if err != nil {
		panic(err)
	}
	return h
})

// env is a running web UI on a fresh store with two teams, an admin, two
// agents in different teams, and customers of each agent.
type env struct {
	t      *testing.T
	app    *app.App
	store  *storage.Store
	srv    *httptest.Server
	admin  *model.User
	agent1 *model.User // team East, rep of Acme, sharer of Globex
	agent2 *model.User // team West, rep of Initech and Globex
	acme   *model.Customer
	globex *model.Customer
	initec *model.Customer // invisible to agent1 under "own" visibility
}

func newEnv(t *testing.T, s *storage.Store) *env {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	// The tests' fake providers listen on loopback.
	cfg.AllowPrivateProviders = true
	return newEnvWith(t, s, cfg)
}

// newEnvWith is newEnv with the options cfg.
func newEnvWith(t *testing.T, s *storage.Store, cfg config.Options) *env {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), s)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, store: s}
	east := &model.Team{Name: "East"}
	west := &model.Team{Name: "West"}
	must(t, s.CreateTeam(ctx, east))
	must(t, s.CreateTeam(ctx, west))
	e.admin = e.user("admin", model.RoleAdmin, nil)
	e.agent1 = e.user("agent1", model.RoleAgent, &east.ID)
	e.agent2 = e.user("agent2", model.RoleAgent, &west.ID)
	must(t, a.Store.SaveSettings(ctx, model.Settings{Visibility: model.VisibilityOwn, DefaultRegion: "CN"}))

	e.acme = e.customer("C001", "Acme 贸易", e.agent1)
	e.globex = e.customer("C002", "Globex 科技", e.agent2)
	e.initec = e.customer("C003", "Initech 实业", e.agent2)
	must(t, s.SetRelation(ctx, &model.Relation{CustomerID: e.globex.ID, UserID: e.agent1.ID, Kind: model.RelationSharer}))
	must(t, s.CreateContact(ctx, &model.Contact{CustomerID: e.acme.ID, Name: "王小明", Title: "采购经理",
		Mobile: "+8613812345678", Email: "wang@acme.example", Primary: true}))
	must(t, s.CreateContact(ctx, &model.Contact{CustomerID: e.acme.ID, Name: "Li Lei", Mobile: "+8613912345678",
		OptOutSMS: true}))

	h, err := web.New(a)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e.srv = httptest.NewServer(a.Resolver.Middleware(h))
	t.Cleanup(e.srv.Close)
	e.runNotifications()
	return e
}

// runNotifications runs the notification centre, as serve does. It stops
// before the server closes, which ends the pages' live streams (the
// server waits for open requests).
func (e *env) runNotifications() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.app.Notify.Run(ctx) //nolint:errcheck
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-e.app.Notify.Ready():
	case <-time.After(10 * time.Second):
		e.t.Fatal("the notification centre did not start")
	}
}

func (e *env) user(name string, role model.Role, team *int64) *model.User {
	u := &model.User{Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:], Role: role, TeamID: team,
		Active: true, Email: name + "@example.com"}
	must(e.t, adminsvc.ValidateUser(u))
	u.PasswordHash = passwordHash()
	must(e.t, e.store.CreateUser(context.Background(), u))
	return u
}

func (e *env) customer(code, name string, rep *model.User) *model.Customer {
	c := &model.Customer{Code: code, Name: name, Level: "A", Industry: "制造", RepID: &rep.ID}
	must(e.t, e.store.CreateCustomer(context.Background(), c))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// client is a browser without JavaScript: it keeps cookies, does not
// follow redirects, and remembers the last CSRF token it saw on a page.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
	lang string // Accept-Language
}

func (e *env) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// response is what a request returned.
type response struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	body := string(b)
	if m := csrfField.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return response{status: res.StatusCode, body: body, header: res.Header}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

// htmx makes a GET as htmx does.
func (c *client) htmx(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

// htmxTarget makes a GET as htmx does for an element with that id.
func (c *client) htmxTarget(path, target string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return c.do(req)
}

// post submits a form with the CSRF token of the last page.
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", c.csrf)
	return c.postRaw(path, f, nil)
}

// postHTMX submits a form as htmx does: token in the header.
func (c *client) postHTMX(path string, form url.Values) response {
	c.t.Helper()
	return c.postRaw(path, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": c.csrf})
}

// postDialog submits a form as htmx does from inside a dialog.
func (c *client) postDialog(path string, form url.Values) response {
	c.t.Helper()
	return c.postRaw(path, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": c.csrf, "X-Dialog": "1"})
}

func (c *client) postRaw(path string, form url.Values, header map[string]string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

// login signs in through the login form and fails the test otherwise.
func (c *client) login(username string) {
	c.t.Helper()
	c.get("/login")
	res := c.post("/login", url.Values{"username": {username}, "password": {password}})
	if res.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d\n%s", username, res.status, res.body)
	}
}

// signedIn returns a client logged in as u with a fresh CSRF token.
func (e *env) signedIn(t *testing.T, u *model.User) *client {
	c := e.client(t)
	c.login(u.Username)
	c.get("/customers")
	return c
}

// logIn signs username in through the login form of the browser b.
func (e *env) logIn(b *browser.Browser, username string) {
	b.Visit(e.srv.URL+"/login", "form#login")
	b.Fill("#username", username)
	b.Fill("#password", password)
	b.Click("#login button[type=submit]")
}
