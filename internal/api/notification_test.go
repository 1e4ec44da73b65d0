package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestNotifications: a user lists only their own notifications, pages
// them, marks one and then all read, watching the unread count; another
// user's notification is 404 and stays unread.
func TestNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		a, b := e.user(t, "a", model.RoleAgent, nil), e.user(t, "b", model.RoleAdmin, nil)
		ta, tb := bearer(e.token(t, a)), bearer(e.token(t, b))
		var ids []int64
		for i := range 3 {
			n, err := e.app.Notify.Notify(t.Context(), a.ID, notify.Message{Kind: model.NotifySystem, Title: fmt.Sprintf("Note %d", i),
				Link: "/records", Data: map[string]any{"i": i}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		other, err := e.app.Notify.Notify(t.Context(), b.ID, notify.Message{Kind: model.NotifySystem, Title: "Not yours"})
		if err != nil {
			t.Fatal(err)
		}

		p := e.do(t, "GET", "notifications?limit=2", nil, ta).json(t)
		items := p["items"].([]any)
		if len(items) != 2 || p["unread"] != float64(3) || items[0].(map[string]any)["id"] != float64(ids[2]) ||
			p["next_before_id"] != float64(ids[1]) || items[0].(map[string]any)["data"].(map[string]any)["i"] != float64(2) {
			t.Fatalf("first page: %v", p)
		}
		p = e.do(t, "GET", "notifications?limit=2&before_id="+itoa(ids[1]), nil, ta).json(t)
		if items := p["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != float64(ids[0]) || p["next_before_id"] != nil {
			t.Fatalf("second page: %v", p)
		}

		// Another user's notification: 404, and it stays unread.
		before := dump(t, s, `SELECT id, read_at FROM notifications ORDER BY id`)
		for _, path := range []string{"notifications/" + itoa(other.ID) + "/read", "notifications/999999/read"} {
			if r := e.do(t, "POST", path, nil, ta); r.status != 404 {
				t.Errorf("POST %s: %v", path, r)
			}
		}
		if after := dump(t, s, `SELECT id, read_at FROM notifications ORDER BY id`); after != before {
			t.Errorf("a 404 marked something read")
		}

		for i, want := range []float64{2, 2} { // the second time changes nothing
			r := e.do(t, "POST", "notifications/"+itoa(ids[1])+"/read", nil, ta)
			if r.status != 200 || r.json(t)["unread"] != want || r.json(t)["marked"] != nil {
				t.Errorf("mark read (%d): %v", i, r)
			}
		}
		p = e.do(t, "GET", "notifications?unread=true", nil, ta).json(t)
		if items := p["items"].([]any); len(items) != 2 || p["unread"] != float64(2) {
			t.Errorf("unread only: %v", p)
		}
		if r := e.do(t, "POST", "notifications/read-all", nil, ta); r.status != 200 || r.json(t)["unread"] != float64(0) ||
			r.json(t)["marked"] != float64(2) {
			t.Errorf("read all: %v", r)
		}
		for _, it := range e.do(t, "GET", "notifications", nil, ta).json(t)["items"].([]any) {
			if it.(map[string]any)["read_at"] == nil {
				t.Errorf("still unread after read-all: %v", it)
			}
		}
		if p := e.do(t, "GET", "notifications", nil, tb).json(t); p["unread"] != float64(1) || len(p["items"].([]any)) != 1 {
			t.Errorf("the other user's notifications after a's read-all: %v", p)
		}

		for _, c := range []struct{ method, path, field string }{
			{"POST", "notifications/abc/read", "id"}, {"POST", "notifications/0/read", "id"},
			{"GET", "notifications?limit=0", "limit"}, {"GET", "notifications?limit=201", "limit"},
			{"GET", "notifications?unread=maybe", "unread"}, {"GET", "notifications?before_id=-1", "before_id"},
		} {
			r := e.do(t, c.method, c.path, nil, ta)
			if _, field := r.errCode(t); r.status != 400 || field != c.field {
				t.Errorf("%s %s: %v, want 400 naming %s", c.method, c.path, r, c.field)
			}
		}
	})
}

// botReceiver is a group-bot webhook that takes messages, or refuses them
// with a DingTalk error while refusing is on.
type botReceiver struct {
	srv      *httptest.Server
	refusing atomic.Bool
	last     atomic.Value // the last request's URL
	bodies   atomic.Int32
}

func newBotReceiver(t *testing.T) *botReceiver {
	b := &botReceiver{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) //nolint:errcheck
		b.last.Store(r.URL.String())
		b.bodies.Add(1)
		if b.refusing.Load() {
			w.Write([]byte(`{"errcode":310000,"errmsg":"sign not match"}`)) //nolint:errcheck
			return
		}
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`)) //nolint:errcheck
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// TestBotWebhooks: a user sets, reads, tests, changes and removes their
// group bot; the admin-wide one is for admins only; the URL's key and the
// secret are never answered.
func TestBotWebhooks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		bot := newBotReceiver(t)
		// Group-bot hosts are the vendors' own; this one may post to the receiver.
		e.app.Notify = notify.NewService(s, notify.NewBotClient(bot.srv.Client(), true), nil, e.app.Log, notify.Config{})
		admin, agent := e.user(t, "admin", model.RoleAdmin, nil), e.user(t, "agent", model.RoleAgent, nil)
		ta, tg := bearer(e.token(t, admin)), bearer(e.token(t, agent))

		for _, c := range []struct {
			method, path string
			opt          reqOpt
		}{{"GET", "me/bot-webhook", tg}, {"DELETE", "me/bot-webhook", tg}, {"POST", "me/bot-webhook/test", tg},
			{"GET", "settings/bot-webhook", ta}, {"POST", "settings/bot-webhook/test", ta}} {
			if r := e.do(t, c.method, c.path, nil, c.opt); r.status != 404 {
				t.Errorf("%s %s with no bot: %v", c.method, c.path, r)
			}
		}

		url := bot.srv.URL + "/robot/send?access_token=tok-123456789"
		r := e.do(t, "PUT", "me/bot-webhook", `{"provider":"dingtalk","url":"`+url+`","secret":"SEC-abcdef"}`, tg)
		got := r.json(t)
		if r.status != 200 || got["provider"] != "dingtalk" || got["enabled"] != true || got["has_secret"] != true ||
			got["admin_wide"] != false || !strings.HasSuffix(got["url_hint"].(string), "6789") {
			t.Fatalf("save: %v", r)
		}
		if strings.Contains(string(r.body), "tok-12345") || strings.Contains(string(r.body), "SEC-abcdef") {
			t.Errorf("the answer shows the key or the secret: %s", r.body)
		}
		if g := e.do(t, "GET", "me/bot-webhook", nil, tg); g.status != 200 || g.json(t)["url_hint"] != got["url_hint"] {
			t.Errorf("read: %v", g)
		}
		if r := e.do(t, "POST", "me/bot-webhook/test", nil, tg); r.status != 200 || r.json(t)["provider"] != "dingtalk" {
			t.Fatalf("test: %v", r)
		}
		if last, _ := bot.last.Load().(string); !strings.Contains(last, "sign=") || !strings.Contains(last, "access_token=tok-123456789") {
			t.Errorf("the test message was not signed: %s", last)
		}
		bot.refusing.Store(true)
		r = e.do(t, "POST", "me/bot-webhook/test", nil, tg)
		var failure struct {
			Error struct {
				Code, Provider, Detail string
				VendorCode             int `json:"vendor_code"`
				Transient              bool
			}
		}
		if err := json.Unmarshal(r.body, &failure); err != nil || r.status != 502 || failure.Error.Code != "bot_failed" ||
			failure.Error.VendorCode != 310000 || failure.Error.Detail != "sign not match" || failure.Error.Transient {
			t.Errorf("refused test: %v", r)
		}
		bot.refusing.Store(false)

		// PUT keeps the stored URL and secret when left empty; clear_secret drops it.
		if r := e.do(t, "PUT", "me/bot-webhook", `{"provider":"dingtalk","enabled":false}`, tg); r.status != 200 ||
			r.json(t)["enabled"] != false || r.json(t)["has_secret"] != true || r.json(t)["url_hint"] != got["url_hint"] {
			t.Errorf("disable: %v", r)
		}
		if r := e.do(t, "PUT", "me/bot-webhook", `{"provider":"dingtalk","clear_secret":true}`, tg); r.status != 200 ||
			r.json(t)["has_secret"] != false || r.json(t)["enabled"] != true {
			t.Errorf("clear the secret: %v", r)
		}

		// Refusals change nothing.
		before := dump(t, s, `SELECT * FROM bot_webhooks ORDER BY id`)
		for _, c := range []struct {
			method, path, body string
			opt                reqOpt
			status             int
			field              string
		}{
			{"PUT", "me/bot-webhook", `{"provider":"slack","url":"` + url + `"}`, tg, 400, "provider"},
			{"PUT", "me/bot-webhook", `{"provider":"wecom"}`, tg, 400, "url"}, // the stored URL is DingTalk's
			{"PUT", "me/bot-webhook", `{"provider":"dingtalk","url":"ftp://x/robot/send?access_token=t"}`, tg, 400, "url"},
			{"PUT", "me/bot-webhook", `{"provider":"dingtalk","enabled":"yes"}`, tg, 400, "enabled"},
			{"PUT", "me/bot-webhook", `{"provider":"dingtalk","token":"x"}`, tg, 400, "token"},
			{"PUT", "me/bot-webhook", `{"provider":"dingtalk","secret":"a\u0000b"}`, tg, 400, "secret"},
			{"PUT", "settings/bot-webhook", `{"provider":"dingtalk","url":"` + url + `"}`, tg, 403, ""},
			{"DELETE", "settings/bot-webhook", ``, tg, 403, ""},
			{"POST", "settings/bot-webhook/test", ``, tg, 403, ""},
		} {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.do(t, c.method, c.path, body, c.opt)
			_, field := r.errCode(t)
			if r.status != c.status || field != c.field {
				t.Errorf("%s %s %s: %v, want %d naming %q", c.method, c.path, c.body, r, c.status, c.field)
			}
		}
		if after := dump(t, s, `SELECT * FROM bot_webhooks ORDER BY id`); after != before {
			t.Errorf("a refused call changed the bots")
		}

		// The admin-wide bot.
		r = e.do(t, "PUT", "settings/bot-webhook", `{"provider":"feishu","url":"`+bot.srv.URL+`/open-apis/bot/v2/hook/abcdef123"}`, ta)
		if r.status != 200 || r.json(t)["admin_wide"] != true || strings.Contains(string(r.body), "abcdef123") {
			t.Fatalf("admin-wide bot: %v", r)
		}
		if r := e.do(t, "POST", "settings/bot-webhook/test", nil, ta); r.status != 200 || r.json(t)["provider"] != "feishu" {
			t.Errorf("test the admin-wide bot: %v", r)
		}
		if r := e.do(t, "GET", "me/bot-webhook", nil, ta); r.status != 404 {
			t.Errorf("the admin's own bot is not the admin-wide one: %v", r)
		}
		for _, c := range []struct {
			path string
			opt  reqOpt
		}{{"me/bot-webhook", tg}, {"settings/bot-webhook", ta}} {
			if r := e.do(t, "DELETE", c.path, nil, c.opt); r.status != 204 {
				t.Errorf("DELETE %s: %v", c.path, r)
			}
			if r := e.do(t, "GET", c.path, nil, c.opt); r.status != 404 {
				t.Errorf("GET %s after DELETE: %v", c.path, r)
			}
		}
	})
}
