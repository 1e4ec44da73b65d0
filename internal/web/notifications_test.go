package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// newGateway is an SMS webhook gateway that accepts every message but those
// to refused, which it refuses with invalid_mobile.
func newGateway(refused string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Messages []struct{ Ref, To string }
		}
		json.NewDecoder(r.Body).Decode(&body) //nolint:errcheck
		results := []any{}
		for _, m := range body.Messages {
			if m.To == refused {
				results = append(results, map[string]any{"ref": m.Ref,
					"error": map[string]any{"code": "invalid_mobile", "message": "number does not exist"}})
				continue
			}
			results = append(results, map[string]any{"ref": m.Ref, "id": "gw-" + m.Ref})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"results": results}) //nolint:errcheck
	}))
}

func (e *env) notify(u *model.User, title, link string) *model.Notification {
	e.t.Helper()
	n, err := e.app.Notify.Notify(context.Background(), u.ID, notify.Message{Kind: model.NotifySystem, Title: title,
		Body: "正文 " + title, Link: link})
	must(e.t, err)
	return n
}

func TestNotificationCentre(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		first := e.notify(e.agent1, "第一条", "/bulk/1")
		second := e.notify(e.agent1, "第二条", "")
		theirs := e.notify(e.agent2, "别人的", "")
		agent := e.signedIn(t, e.agent1)

		res := agent.get("/notifications")
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="bell-count" aria-live="polite">2<`) ||
			!strings.Contains(res.body, "第一条") || !strings.Contains(res.body, "正文 第二条") || strings.Contains(res.body, "别人的") {
			t.Fatalf("list: %d\n%s", res.status, res.body)
		}
		// Following a notification's link marks it read.
		res = agent.post(fmt.Sprintf("/notifications/%d/read", first.ID), url.Values{"next": {first.Link}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/bulk/1" {
			t.Errorf("open: %d %q", res.status, res.header.Get("Location"))
		}
		// An off-site next is not followed.
		res = agent.post(fmt.Sprintf("/notifications/%d/read", first.ID), url.Values{"next": {"//evil.example"}})
		if res.header.Get("Location") != "/notifications" {
			t.Errorf("off-site next: %q", res.header.Get("Location"))
		}
		res = agent.get("/notifications?filter=unread")
		if !strings.Contains(res.body, "第二条") || strings.Contains(res.body, "第一条") || !strings.Contains(res.body, `id="bell-count" aria-live="polite">1<`) {
			t.Errorf("unread filter:\n%s", res.body)
		}
		// Mark read in place (htmx): the item comes back read, the bell count in a trigger.
		res = agent.postHTMX(fmt.Sprintf("/notifications/%d/read", second.ID), nil)
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), `<li class="notification" id="notification-`) ||
			!strings.Contains(res.header.Get("HX-Trigger"), `"unreadCount":{"unread":0}`) {
			t.Errorf("mark read: %d %q\n%s", res.status, res.header.Get("HX-Trigger"), res.body)
		}
		// Another user's notification is not found.
		if res := agent.postHTMX(fmt.Sprintf("/notifications/%d/read", theirs.ID), nil); res.status != http.StatusNotFound {
			t.Errorf("another user's notification: %d", res.status)
		}
		e.notify(e.agent1, "第三条", "")
		res = agent.post("/notifications/read", url.Values{"back": {"/notifications?filter=unread"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/notifications?filter=unread" {
			t.Errorf("mark all read: %d %q", res.status, res.header.Get("Location"))
		}
		if n, _ := e.app.Notify.UnreadCount(context.Background(), e.agent1.ID); n != 0 {
			t.Errorf("%d unread after mark all read", n)
		}
		if n, _ := e.app.Notify.UnreadCount(context.Background(), e.agent2.ID); n != 1 {
			t.Errorf("marking all read touched another user's: %d unread", n)
		}
		if res := agent.get("/notifications?filter=unread"); !strings.Contains(res.body, `id="notifications-empty"`) {
			t.Error("no empty state once all are read")
		}
	})
}

func TestNotificationStream(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.startWorkers(t)
		e.notify(e.agent1, "旧的", "")
		agent := e.signedIn(t, e.agent1)
		st := agent.stream("/notifications/stream")
		if name, data := st.next(5 * time.Second); name != "unread" || data != `{"unread":1}` {
			t.Fatalf("first event: %s %s", name, data)
		}
		e.notify(e.agent2, "别人的", "")
		e.notify(e.agent1, "批量联系已完成", "/bulk/7")
		name, data := st.next(10 * time.Second)
		var ev struct {
			Title, Link string
			Unread      int
		}
		must(t, json.Unmarshal([]byte(data), &ev))
		if name != "notification" || ev.Title != "批量联系已完成" || ev.Link != "/bulk/7" || ev.Unread != 2 {
			t.Fatalf("live notification: %s %s", name, data)
		}
		_, err := e.app.Notify.MarkAllRead(context.Background(), e.agent1.ID)
		must(t, err)
		if name, data := st.next(10 * time.Second); name != "unread" || data != `{"unread":0}` {
			t.Fatalf("after mark all read: %s %s", name, data)
		}
		// Anonymous visitors get no stream.
		if res := e.client(t).get("/notifications/stream"); res.status != http.StatusSeeOther {
			t.Errorf("anonymous stream: %d", res.status)
		}
	})
}

func TestGroupBotSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		if res := agent.get("/profile"); !strings.Contains(res.body, `id="bot-card"`) || strings.Contains(res.body, `id="bot-test"`) {
			t.Fatal("the profile lacks the group-bot card")
		}
		// A URL that is not the chosen bot's is refused inline, and never echoed.
		res := agent.postHTMX("/profile/bot", url.Values{"provider": {"wecom"}, "url": {"https://evil.example/hook?key=SECRETKEY"}, "enabled": {"on"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-bot-url"`) || strings.Contains(res.body, "SECRETKEY") {
			t.Errorf("bad URL: %d\n%s", res.status, res.body)
		}
		key := "0123456789abcdef-KEY1"
		res = agent.postHTMX("/profile/bot", url.Values{"provider": {"wecom"}, "url": {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key},
			"enabled": {"on"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="bot-saved"`) || !strings.Contains(res.body, "转发到企业微信") ||
			strings.Contains(res.body, key) || !strings.Contains(res.body, "KEY1") {
			t.Fatalf("save: %d\n%s", res.status, res.body)
		}
		b, err := e.app.Notify.Bot(context.Background(), e.agent1, false)
		if err != nil || !b.Enabled || b.Provider != model.BotWeCom {
			t.Fatalf("stored bot: %+v %v", b, err)
		}
		// Pausing keeps the stored URL.
		res = agent.post("/profile/bot", url.Values{"provider": {"wecom"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("pause: %d\n%s", res.status, res.body)
		}
		if b, _ := e.app.Notify.Bot(context.Background(), e.agent1, false); b == nil || b.Enabled || !strings.Contains(b.URLHint, "KEY1") {
			t.Errorf("paused bot: %+v", b)
		}
		// The test button reports the bot's answer (here: unreachable), never failing the page.
		res = agent.postHTMX("/profile/bot/test", nil)
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="bot-test-answer"`) {
			t.Errorf("test: %d\n%s", res.status, res.body)
		}
		res = agent.postHTMX("/profile/bot/delete", nil)
		if res.status != http.StatusOK || strings.Contains(res.body, `id="bot-status"`) {
			t.Errorf("remove: %d", res.status)
		}
		if _, err := e.app.Notify.Bot(context.Background(), e.agent1, false); err == nil {
			t.Error("the bot is still stored")
		}
		if res := agent.postHTMX("/profile/bot/test", nil); !strings.Contains(res.body, "请先保存机器人设置") {
			t.Errorf("test without a bot:\n%s", res.body)
		}

		// The admin-wide bot is on the settings page, for admins only.
		if res := agent.postHTMX("/admin/bot", url.Values{"provider": {"feishu"}}); res.status != http.StatusForbidden {
			t.Errorf("agent saves the admin bot: %d", res.status)
		}
		admin := e.signedIn(t, e.admin)
		if res := admin.get("/admin/settings"); !strings.Contains(res.body, `id="bot-card"`) || !strings.Contains(res.body, "管理员群机器人") {
			t.Error("the settings page lacks the admin-wide bot")
		}
		res = admin.post("/admin/bot", url.Values{"provider": {"feishu"}, "url": {"https://open.feishu.cn/open-apis/bot/v2/hook/abcdef123456"},
			"secret": {"sig"}, "enabled": {"on"}})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/admin/settings") {
			t.Fatalf("admin bot: %d\n%s", res.status, res.body)
		}
		if b, err := e.app.Notify.Bot(context.Background(), e.admin, true); err != nil || !b.HasSecret || b.Provider != model.BotFeishu {
			t.Errorf("admin bot: %+v %v", b, err)
		}
		if _, err := e.app.Notify.Bot(context.Background(), e.admin, false); err == nil {
			t.Error("the admin-wide bot was saved as the admin's own")
		}
	})
}

// TestNewPostsNeedCSRF checks every action of the bulk, notification and
// group-bot pages refuses a form without the CSRF token, changing nothing.
func TestNewPostsNeedCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		n := e.notify(e.admin, "x", "")
		admin := e.signedIn(t, e.admin)
		later := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")
		id := created(t, admin.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang)}, "when": {"later"}, "scheduled_at": {later}})))
		good := wizard(url.Values{"ticked": {ids(f.wang)}})
		for _, p := range []string{"/bulk", "/bulk/new", "/bulk/new/preview", fmt.Sprintf("/bulk/%d/cancel", id),
			fmt.Sprintf("/bulk/%d/retry", id), "/notifications/read", fmt.Sprintf("/notifications/%d/read", n.ID),
			"/profile/bot", "/profile/bot/test", "/profile/bot/delete", "/admin/bot", "/admin/bot/test", "/admin/bot/delete"} {
			for _, hdr := range []map[string]string{nil, {"HX-Request": "true"}, {"HX-Request": "true", "X-CSRF-Token": "forged"}} {
				if res := admin.postRaw(p, good, hdr); res.status != http.StatusForbidden {
					t.Errorf("POST %s without CSRF (%v): %d", p, hdr, res.status)
				}
			}
		}
		if len(e.bulkSends()) != 1 || e.bulkSends()[0].Status != model.BulkScheduled {
			t.Error("a forged POST changed the bulk sends")
		}
		if un, _ := e.app.Notify.UnreadCount(context.Background(), e.admin.ID); un != 1 {
			t.Error("a forged POST marked notifications read")
		}
	})
}
