package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/bulk"
	"touchbase/internal/httpauth"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/web"
)

// The callers of the page matrix, in the order each row calls them.
const (
	anon    = "anon"    // no session
	other   = "other"   // agent2: another team, no relation to the customer
	peer    = "peer"    // agent3: the rep's team, no relation to the customer
	rep     = "rep"     // agent1: exclusive rep (专属客服) of the customer
	manager = "manager" // manages the rep's team, no relation of their own
	admin   = "admin"
)

var callers = []string{anon, other, peer, rep, manager, admin}

// want maps a caller to the status a row must answer it.
type want map[string]int

// everyone: any signed-in user gets ok, the anonymous the login page.
func everyone(ok int) want {
	return want{anon: 303, other: ok, peer: ok, rep: ok, manager: ok, admin: ok}
}

// scoped: those who may see the customer get ok, the others 404 (its
// existence is not revealed).
func scoped(ok int) want {
	return want{anon: 303, other: 404, peer: 404, rep: ok, manager: ok, admin: ok}
}

// adminsOnly: admins get ok, everyone else the 403 page.
func adminsOnly(ok int) want {
	return want{anon: 303, other: 403, peer: 403, rep: 403, manager: 403, admin: ok}
}

// managerRefused: a manager sees the team's customers but may neither
// change nor contact them.
var managerRefused = want{manager: 403}

// with returns w with some callers' statuses changed.
func (w want) with(changes want) want {
	out := want{}
	for k, v := range w {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

// prow is one row of the page matrix: a request and what each caller
// gets. find, when set, is text of the matrix customer that must show in
// the answer exactly for the callers in sees. fresh rows change or end
// what they act on, so each caller gets targets of its own.
type prow struct {
	method, path string
	form         url.Values
	want         want
	find         string
	sees         []string
	fresh        bool
	stream       bool
	htmx         bool
}

// targets are what the rows' placeholders stand for.
type targets struct {
	customer *model.Customer
	contact  *model.Contact
	record   *model.Record
	plan     *model.Plan
	bulk     *model.BulkSend
	helper   *model.User // participant of the customer
	victim   *model.User // the user admin rows act on
	note     map[string]int64
	token    map[string]int64
	css      string
}

// pworld is the page matrix's world: the web env plus the callers.
type pworld struct {
	e       *env
	users   map[string]*model.User
	topic   *model.Topic
	counter int
	css     string // the stylesheet's checksummed URL
}

func newPWorld(t *testing.T, s *storage.Store) *pworld {
	e := newEnv(t, s)
	ctx := context.Background()
	w := &pworld{e: e, users: map[string]*model.User{rep: e.agent1, other: e.agent2, admin: e.admin}}
	w.users[peer] = e.user("agent3", model.RoleAgent, e.agent1.TeamID)
	w.users[manager] = e.user("manager", model.RoleAgent, nil)
	team := &model.Team{ID: *e.agent1.TeamID, Name: "East", ManagerID: &w.users[manager].ID}
	must(t, s.UpdateTeam(ctx, team))
	must(t, jobs.Migrate(ctx, s)) // River's tables, so jobs can be queued
	w.topic = &model.Topic{Name: "续费", NameEN: "Renewal", Active: true}
	must(t, s.CreateTopic(ctx, w.topic))
	m := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(e.client(t).get("/login").body)
	if m == nil {
		t.Fatal("no stylesheet on the login page")
	}
	w.css = strings.TrimPrefix(m[1], "/static/")
	return w
}

// build makes a customer of the rep's with a contact, a record, a plan, a
// bulk send, notifications and API tokens.
func (w *pworld) build(t *testing.T) *targets {
	ctx := context.Background()
	s := w.e.store
	w.counter++
	n := w.counter
	tg := &targets{note: map[string]int64{}, token: map[string]int64{}, css: w.css}
	tg.customer = w.e.customer(fmt.Sprintf("M%03d", n), fmt.Sprintf("矩阵客户 %d", n), w.users[rep])
	tg.helper = w.e.user(fmt.Sprintf("helper%d", n), model.RoleAgent, nil)
	tg.victim = w.e.user(fmt.Sprintf("victim%d", n), model.RoleAgent, nil)
	must(t, s.SetRelation(ctx, &model.Relation{CustomerID: tg.customer.ID, UserID: tg.helper.ID, Kind: model.RelationParticipant}))
	tg.contact = &model.Contact{CustomerID: tg.customer.ID, Name: fmt.Sprintf("矩阵联系人 %d", n), Mobile: fmt.Sprintf("+86139%08d", n),
		Email: fmt.Sprintf("m%d@matrix.example", n)}
	must(t, s.CreateContact(ctx, tg.contact))
	rep := w.users[rep]
	tg.record = &model.Record{CustomerID: tg.customer.ID, ContactID: &tg.contact.ID, UserID: &rep.ID, Channel: "phone",
		Source: model.SourceManual, Title: fmt.Sprintf("矩阵记录 %d", n), Summary: "matrix", ContactedAt: time.Now().Add(-time.Hour)}
	must(t, s.CreateRecord(ctx, tg.record))
	tg.plan = &model.Plan{OwnerID: rep.ID, CustomerID: tg.customer.ID, Title: fmt.Sprintf("矩阵计划 %d", n), DueAt: time.Now().Add(24 * time.Hour)}
	must(t, s.CreatePlans(ctx, []*model.Plan{tg.plan}, nil))
	later := time.Now().Add(48 * time.Hour)
	b, err := w.e.app.Bulk.Create(ctx, permission.For(rep, model.Settings{Visibility: model.VisibilityOwn}), rep,
		bulk.Input{Title: fmt.Sprintf("矩阵群发 %d", n), SMSText: "您好", ScheduledAt: &later,
			Recipients: storage.RecipientSelection{ContactIDs: []int64{tg.contact.ID}}})
	must(t, err)
	tg.bulk = b
	for _, c := range callers[1:] {
		u := w.users[c]
		note := &model.Notification{UserID: u.ID, Kind: "test", Title: "矩阵通知", Link: "/"}
		_, err := s.CreateNotification(ctx, note)
		must(t, err)
		tg.note[c] = note.ID
		_, tok, err := w.e.app.Auth.CreateAPIToken(ctx, u, auth.TokenSpec{Name: "matrix"})
		must(t, err)
		tg.token[c] = tok.ID
	}
	return tg
}

// expand fills a row's placeholders for caller.
func (tg *targets) expand(s, caller string) string {
	own := func(m map[string]int64) string {
		if id, ok := m[caller]; ok {
			return fmt.Sprint(id)
		}
		return fmt.Sprint(m[rep])
	}
	return strings.NewReplacer(
		"{C}", fmt.Sprint(tg.customer.ID), "{CT}", fmt.Sprint(tg.contact.ID), "{R}", fmt.Sprint(tg.record.ID),
		"{P}", fmt.Sprint(tg.plan.ID), "{B}", fmt.Sprint(tg.bulk.ID), "{HELPER}", fmt.Sprint(tg.helper.ID),
		"{U}", fmt.Sprint(tg.victim.ID), "{TEAM}", "1", "{N}", own(tg.note), "{K}", own(tg.token),
		"{CSS}", tg.css, "{ME}", caller, "{TOMORROW}", time.Now().Add(24*time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04"),
		"{CNAME}", tg.customer.Name, "{RTITLE}", tg.record.Title, "{PTITLE}", tg.plan.Title, "{BTITLE}", tg.bulk.Title,
	).Replace(s)
}

// session returns a client of caller with a session of its own (none for
// the anonymous, who get the anonymous CSRF cookie from the login page).
func (w *pworld) session(t *testing.T, caller string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: w.e.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if caller == anon {
		c.get("/login")
		return c
	}
	sid, sess, err := w.e.app.Auth.StartSession(context.Background(), w.users[caller], "")
	must(t, err)
	u, _ := url.Parse(w.e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: httpauth.CookieName, Value: sid, Path: "/"}})
	c.csrf = sess.CSRFToken
	return c
}

// peekStream opens an event stream, reads its start and hangs up.
func (c *client) peekStream(path string) response {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body) // ends when the context does
	return response{status: res.StatusCode, body: string(b), header: res.Header}
}

func pageRows() []prow {
	staff := []string{rep, manager, admin}
	return []prow{
		{method: "GET", path: "/", want: everyone(200)},
		{method: "GET", path: "/static/{CSS}", want: want{anon: 200, other: 200, peer: 200, rep: 200, manager: 200, admin: 200}},
		{method: "GET", path: "/no-such-page", want: want{anon: 404, other: 404, peer: 404, rep: 404, manager: 404, admin: 404}},
		{method: "GET", path: "/login", want: want{anon: 200, other: 303, peer: 303, rep: 303, manager: 303, admin: 303}},
		{method: "POST", path: "/login", form: url.Values{"username": {"nobody-{ME}"}, "password": {"x"}},
			want: want{anon: 401, other: 401, peer: 401, rep: 401, manager: 401, admin: 401}},
		{method: "POST", path: "/logout", want: everyone(303), fresh: true},
		{method: "POST", path: "/language", form: url.Values{"lang": {"en"}, "return": {"/"}},
			want: want{anon: 303, other: 303, peer: 303, rep: 303, manager: 303, admin: 303}},
		{method: "GET", path: "/u/not-a-token", want: want{anon: 404, other: 404, peer: 404, rep: 404, manager: 404, admin: 404}},
		{method: "POST", path: "/u/not-a-token", want: want{anon: 400, other: 400, peer: 400, rep: 400, manager: 400, admin: 400}},

		// Customers and contacts
		// Reps start on the customers they serve, admins on all.
		{method: "GET", path: "/customers", want: everyone(200), find: "{CNAME}", sees: []string{rep, admin}},
		{method: "GET", path: "/customers?scope=all&q=矩阵", want: everyone(200), find: "{CNAME}", sees: staff},
		{method: "GET", path: "/customers/new", want: everyone(200)},
		{method: "POST", path: "/customers", form: url.Values{"name": {""}}, want: everyone(400)},
		{method: "GET", path: "/customers/export.csv?customer_ids={C}", want: everyone(200), find: "{CNAME}", sees: staff},
		{method: "GET", path: "/customers/{C}", want: scoped(200), find: "{CNAME}", sees: staff},
		{method: "GET", path: "/customers/{C}/edit", want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/customers/{C}", form: url.Values{"name": {""}}, want: scoped(400).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/delete", want: scoped(303).with(want{rep: 403, manager: 403}), fresh: true},
		{method: "POST", path: "/customers/{C}/relations", form: url.Values{"user_id": {"{U}"}, "kind": {"sharer"}},
			want: scoped(303).with(want{rep: 403, manager: 403}), fresh: true},
		{method: "POST", path: "/customers/{C}/relations/{HELPER}/delete", want: scoped(303).with(want{rep: 403, manager: 403}), fresh: true},
		{method: "GET", path: "/customers/{C}/contacts/new", want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/contacts", form: url.Values{"name": {""}}, want: scoped(400).with(managerRefused)},
		{method: "GET", path: "/contacts/{CT}/edit", want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/contacts/{CT}", form: url.Values{"name": {""}}, want: scoped(400).with(managerRefused)},
		{method: "POST", path: "/contacts/{CT}/delete", want: scoped(303).with(managerRefused), fresh: true},

		// Single contact, manual records, the timeline
		{method: "GET", path: "/customers/{C}/contact", want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/contact", form: url.Values{"contact_id": {"{CT}"}}, want: scoped(400).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/contact/preview", form: url.Values{"contact_id": {"{CT}"}, "sms_text": {"hi"}}, want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/contact/withdraw?delivery_id=999999", form: url.Values{"contact_id": {"{CT}"}}, want: scoped(404).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/contact/refresh?delivery_id=999999", form: url.Values{"contact_id": {"{CT}"}}, want: scoped(404).with(managerRefused)},
		{method: "GET", path: "/customers/{C}/records", want: scoped(200).with(want{anon: 401}), find: "{RTITLE}", sees: staff, htmx: true},
		{method: "GET", path: "/customers/{C}/records/new", want: scoped(200).with(managerRefused)},
		{method: "POST", path: "/customers/{C}/records", form: url.Values{"title": {""}}, want: scoped(400).with(managerRefused)},

		// All contact records, drill-down, exports
		{method: "GET", path: "/records", want: everyone(200), find: "{RTITLE}", sees: staff},
		{method: "GET", path: "/records?customer_id={C}", want: everyone(200), find: "{RTITLE}", sees: staff},
		{method: "GET", path: "/records/customers?customer_q=矩阵", want: everyone(200), find: "{CNAME}", sees: staff},
		{method: "GET", path: "/records/count?customer={C}", want: everyone(200), find: ">1 in all ·", sees: staff},
		{method: "GET", path: "/records/export.csv", want: everyone(200), find: "{RTITLE}", sees: staff},
		{method: "GET", path: "/records/export.xlsx", want: everyone(200)},
		{method: "GET", path: "/records/{R}", want: scoped(200), find: "{RTITLE}", sees: staff},
		{method: "GET", path: "/outbox", want: adminsOnly(200)},

		// Bulk contact: wizard, list, drill-down, live progress, export, actions
		{method: "GET", path: "/bulk/new", want: everyone(200)},
		{method: "POST", path: "/bulk/new", form: url.Values{"step": {"1"}}, want: everyone(200)}, // stays on the step
		{method: "POST", path: "/bulk/new/preview", form: url.Values{"sms_text": {"hi"}}, want: everyone(200)},
		{method: "POST", path: "/bulk", form: url.Values{"title": {""}}, want: everyone(400)},
		{method: "GET", path: "/bulk", want: everyone(200), find: "{BTITLE}", sees: staff},
		{method: "GET", path: "/bulk/{B}", want: scoped(200), find: "{BTITLE}", sees: staff},
		{method: "GET", path: "/bulk/{B}?status=pending", want: scoped(200)},
		{method: "GET", path: "/bulk/{B}/events", want: scoped(200), stream: true},
		{method: "GET", path: "/bulk/{B}/recipients.csv", want: scoped(200)},
		// A manager sees the team's sends but acts only on approvals; a
		// scheduled send cannot be retried, paused, resumed, approved.
		{method: "POST", path: "/bulk/{B}/cancel", want: scoped(303).with(managerRefused), fresh: true},
		{method: "POST", path: "/bulk/{B}/retry", want: scoped(409).with(managerRefused)},
		{method: "POST", path: "/bulk/{B}/pause", want: scoped(409).with(managerRefused)},
		{method: "POST", path: "/bulk/{B}/resume", want: scoped(409).with(managerRefused)},
		{method: "POST", path: "/bulk/{B}/approve", want: scoped(409).with(want{rep: 403})},
		{method: "POST", path: "/bulk/{B}/reject", want: scoped(400)}, // a rejection needs its comment
		// A send without WeCom has no task to remind or read back: its
		// page says so.
		{method: "POST", path: "/bulk/{B}/remind", want: scoped(303).with(managerRefused)},
		{method: "POST", path: "/bulk/{B}/refresh", want: scoped(303)},

		// Plans
		{method: "GET", path: "/plans", want: everyone(200)},
		{method: "GET", path: "/plans/calendar", want: everyone(200)},
		{method: "GET", path: "/plans/new", want: everyone(200)},
		{method: "GET", path: "/plans/customers?customer_q=矩阵", want: everyone(200), find: "{CNAME}", sees: staff},
		{method: "POST", path: "/plans", form: url.Values{"customer_ids": {"{C}"}, "title": {"矩阵新计划"}, "due_at": {"{TOMORROW}"}},
			want: scoped(303).with(want{manager: 400})}, // names the customer they may not contact
		{method: "GET", path: "/plans/reassign", want: adminsOnly(200).with(want{manager: 200})},
		{method: "GET", path: "/plans/{P}", want: scoped(200), find: "{PTITLE}", sees: staff},
		{method: "GET", path: "/plans/{P}/edit", want: scoped(200)},
		{method: "POST", path: "/plans/{P}", form: url.Values{"title": {""}}, want: scoped(400)},
		{method: "GET", path: "/plans/{P}/reschedule", want: scoped(200)},
		{method: "POST", path: "/plans/{P}/reschedule", form: url.Values{"due_at": {""}}, want: scoped(400)},
		{method: "POST", path: "/plans/{P}/cancel", want: scoped(303), fresh: true},
		{method: "POST", path: "/plans/{P}/close", form: url.Values{"reason": {"已电话沟通"}}, want: scoped(303), fresh: true},
		// Only to someone of the manager's team; the helper is in none.
		{method: "POST", path: "/plans/{P}/reassign", form: url.Values{"owner_id": {"{HELPER}"}}, want: scoped(400).with(want{admin: 303}), fresh: true},

		// Notifications (each caller's own), the live stream and counts
		{method: "GET", path: "/notifications", want: everyone(200)},
		{method: "GET", path: "/notifications/stream", want: everyone(200), stream: true},
		{method: "POST", path: "/notifications/read", want: everyone(303)},
		{method: "POST", path: "/notifications/{N}/read", want: everyone(303)},

		// Profile
		{method: "GET", path: "/profile", want: everyone(200)},
		{method: "POST", path: "/profile", form: url.Values{"display_name": {""}}, want: everyone(303)},
		{method: "GET", path: "/password", want: everyone(200)},
		{method: "POST", path: "/profile/password", form: url.Values{"current": {"wrong"}}, want: everyone(400)},
		{method: "POST", path: "/profile/sign-out-everywhere", want: everyone(303), fresh: true},
		{method: "POST", path: "/profile/tokens", form: url.Values{"name": {"x"}}, want: everyone(200)},
		{method: "POST", path: "/profile/tokens/{K}/delete", want: everyone(303)},
		{method: "POST", path: "/profile/bot", form: url.Values{"provider": {"wecom"}, "url": {"http://evil.example/"}}, want: everyone(400)},
		{method: "POST", path: "/profile/bot/test", want: everyone(200)}, // the outcome, shown in place
		{method: "POST", path: "/profile/bot/delete", want: everyone(303)},
		// WeCom is not connected: nobody can have notifications in it.
		{method: "POST", path: "/profile/wecom", form: url.Values{"enabled": {"on"}}, want: everyone(400)},

		// Administration
		{method: "GET", path: "/admin", want: adminsOnly(303)},
		{method: "GET", path: "/admin/users", want: adminsOnly(200)},
		{method: "GET", path: "/admin/users/new", want: adminsOnly(200)},
		{method: "POST", path: "/admin/users", form: url.Values{"username": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/users/{U}", want: adminsOnly(200)},
		{method: "POST", path: "/admin/users/{U}", form: url.Values{"username": {""}}, want: adminsOnly(400)},
		{method: "POST", path: "/admin/users/{U}/password", form: url.Values{"password": {"short"}}, want: adminsOnly(400)},
		{method: "POST", path: "/admin/users/{U}/sign-out-everywhere", want: adminsOnly(303)},
		{method: "GET", path: "/admin/teams", want: adminsOnly(200)},
		{method: "GET", path: "/admin/teams/new", want: adminsOnly(200)},
		{method: "POST", path: "/admin/teams", form: url.Values{"name": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/teams/{TEAM}/edit", want: adminsOnly(200)},
		{method: "POST", path: "/admin/teams/{TEAM}", form: url.Values{"name": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/topics", want: adminsOnly(200)},
		{method: "GET", path: "/admin/topics/new", want: adminsOnly(200)},
		{method: "POST", path: "/admin/topics", form: url.Values{"name": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/topics/1/edit", want: adminsOnly(200)},
		{method: "POST", path: "/admin/topics/1", form: url.Values{"name": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/settings", want: adminsOnly(200)},
		{method: "POST", path: "/admin/settings", form: url.Values{"visibility": {"bogus"}}, want: adminsOnly(400)},
		{method: "POST", path: "/admin/bot", form: url.Values{"provider": {"wecom"}, "url": {"http://evil.example/"}}, want: adminsOnly(400)},
		{method: "POST", path: "/admin/bot/test", want: adminsOnly(200)},
		{method: "POST", path: "/admin/bot/delete", want: adminsOnly(303)},
		{method: "GET", path: "/admin/channels", want: adminsOnly(200)},
		{method: "POST", path: "/admin/channels/sms", form: url.Values{"provider": {"webhook"}}, want: adminsOnly(400)},
		{method: "POST", path: "/admin/channels/sms/test", form: url.Values{"to": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/wecom", want: adminsOnly(200)},
		{method: "POST", path: "/admin/wecom", form: url.Values{"corp_id": {""}}, want: adminsOnly(400)},
		// Not connected: the page shows WeCom's problem (502).
		{method: "POST", path: "/admin/wecom/test", want: adminsOnly(502)},
		{method: "POST", path: "/admin/wecom/members/refresh", want: adminsOnly(502)},
		{method: "POST", path: "/admin/wecom/members/nobody/user", form: url.Values{"user_id": {"{U}"}}, want: adminsOnly(404)},
		{method: "POST", path: "/admin/wecom/sync", want: adminsOnly(303)},             // queued
		{method: "POST", path: "/admin/wecom/externals/999999", want: adminsOnly(400)}, // no mobile typed
		{method: "GET", path: "/admin/sms-templates", want: adminsOnly(200)},
		{method: "POST", path: "/admin/sms-templates/sync", want: adminsOnly(400)}, // the outbox has no templates
		{method: "GET", path: "/admin/sms-templates/new", want: adminsOnly(200)},
		{method: "POST", path: "/admin/sms-templates", form: url.Values{"code": {""}}, want: adminsOnly(400)},
		{method: "GET", path: "/admin/sms-templates/999999/edit", want: adminsOnly(404)},
		{method: "POST", path: "/admin/sms-templates/999999", form: url.Values{"code": {""}}, want: adminsOnly(404)},
		{method: "GET", path: "/admin/import", want: adminsOnly(200)},
		{method: "POST", path: "/admin/import", want: adminsOnly(400)},
		{method: "GET", path: "/admin/login-failures", want: adminsOnly(200)},
	}
}

// samePage reports whether a row's path matches a route pattern's path.
func samePage(pattern, path string) bool {
	path, _, _ = strings.Cut(path, "?")
	pattern = strings.TrimSuffix(pattern, "{$}")
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return pattern == "/" // the catch-all
	}
	for i := range ps {
		if ps[i] != xs[i] && !(strings.HasPrefix(ps[i], "{") && xs[i] != "") {
			return false
		}
	}
	return true
}

// TestPageAuthorizationMatrix calls every page and form of the web UI as
// the anonymous, a rep of another team, a rep of the customer's team
// without a relation to it, its exclusive rep, the manager of that team
// and an admin, and checks each status, that what a caller may not see is
// not in the answer, and that a refused change changed nothing. Every
// route of the router must have a row.
func TestPageAuthorizationMatrix(t *testing.T) {
	rows := pageRows()
	covered := map[string]bool{}
	for _, p := range web.RoutePatterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "", method
		}
		for _, r := range rows {
			if (method == "" || method == r.method) && samePage(path, r.path) {
				covered[p] = true
			}
		}
		if !covered[p] {
			t.Errorf("route %q has no row in the page authorization matrix", p)
		}
	}
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newPWorld(t, s)
		shared := w.build(t)
		calls := 0
		for _, r := range rows {
			for _, caller := range callers {
				// A change that goes through gets targets of its own; one
				// to be refused may use the shared ones, since it is checked
				// to change nothing.
				tg := shared
				if want := r.want[caller]; r.fresh && want != 403 && want != 404 {
					tg = w.build(t)
				}
				w.call(t, r, caller, tg)
				calls++
			}
		}
		t.Logf("%d page rows × %d callers: %d calls, %d routes", len(rows), len(callers), calls, len(covered))
	})
}

func (w *pworld) call(t *testing.T, r prow, caller string, tg *targets) {
	t.Helper()
	c := w.session(t, caller)
	path := tg.expand(r.path, caller)
	name := fmt.Sprintf("%s %s as %s", r.method, r.path, caller)
	var before string
	var res response
	switch {
	case r.stream:
		res = c.peekStream(path)
	case r.htmx:
		res = c.htmx(path)
	case r.method == "GET":
		res = c.get(path)
	default:
		// Only a change that is to be refused is checked for leaving
		// everything as it was.
		if want := r.want[caller]; want == 403 || want == 404 {
			before = w.snapshot(t, tg)
		}
		form := url.Values{}
		for k, vs := range r.form {
			for _, v := range vs {
				form.Add(k, tg.expand(v, caller))
			}
		}
		res = c.post(path, form)
	}
	want, ok := r.want[caller]
	if !ok {
		t.Fatalf("%s: the row has no status for this caller", name)
	}
	if res.status != want {
		t.Errorf("%s: %d, want %d\n%.600s", name, res.status, want, res.body)
		return
	}
	if r.find != "" && res.status == 200 {
		find := tg.expand(r.find, caller)
		sees := false
		for _, s := range r.sees {
			sees = sees || s == caller
		}
		if strings.Contains(res.body, find) != sees {
			t.Errorf("%s: shows %q = %v, want %v", name, find, !sees, sees)
		}
	}
	if before != "" && (res.status == 403 || res.status == 404) {
		if after := w.snapshot(t, tg); after != before {
			t.Errorf("%s: refused with %d but changed data:\n%s\n->\n%s", name, res.status, before, after)
		}
	}
}

// snapshot is the state of the targets a refused request must not change.
func (w *pworld) snapshot(t *testing.T, tg *targets) string {
	ctx := context.Background()
	var parts []string
	q := func(query string, args ...any) {
		rows, err := w.e.store.DB().QueryContext(ctx, query, args...)
		must(t, err)
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			parts = append(parts, fmt.Sprint(vals...))
		}
	}
	q(`SELECT id, name, rep_id, updated_at FROM customers WHERE id = $1`, tg.customer.ID)
	q(`SELECT user_id, kind FROM customer_relations WHERE customer_id = $1 ORDER BY user_id`, tg.customer.ID)
	q(`SELECT id, name, updated_at FROM contacts WHERE customer_id = $1 ORDER BY id`, tg.customer.ID)
	q(`SELECT count(*) FROM contact_records WHERE customer_id = $1`, tg.customer.ID)
	q(`SELECT id, status, owner_id, title FROM plans WHERE customer_id = $1 ORDER BY id`, tg.customer.ID)
	q(`SELECT id, status FROM bulk_sends WHERE id = $1`, tg.bulk.ID)
	q(`SELECT id, display_name, active, must_change_password FROM users WHERE id = $1`, tg.victim.ID)
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}
