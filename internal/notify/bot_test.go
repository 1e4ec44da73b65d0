package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
)

// botRequest is one request a fake bot received.
type botRequest struct {
	method, path string
	query        url.Values
	rawQuery     string
	contentType  string
	body         map[string]any
}

// fakeBot is a group-bot webhook answering with answer (status 200 unless
// status is set).
func fakeBot(t *testing.T, status int, answer string) (*httptest.Server, chan botRequest) {
	t.Helper()
	got := make(chan botRequest, 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		req := botRequest{method: r.Method, path: r.URL.Path, query: r.URL.Query(), rawQuery: r.URL.RawQuery,
			contentType: r.Header.Get("Content-Type")}
		if err := json.Unmarshal(raw, &req.body); err != nil {
			t.Errorf("bot body is not JSON: %q", raw)
		}
		got <- req
		if status != 0 {
			w.WriteHeader(status)
		}
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func receive(t *testing.T, got chan botRequest) botRequest {
	t.Helper()
	select {
	case r := <-got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the bot received nothing")
	}
	panic("unreachable")
}

// keys returns the sorted keys of a JSON object.
func keys(m any) string {
	obj, _ := m.(map[string]any)
	var out []string
	for k := range obj {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func hmacB64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkTimestamp parses a vendor timestamp and checks it is now.
func checkTimestamp(t *testing.T, ts string, unit time.Duration) {
	t.Helper()
	v, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		t.Fatalf("timestamp %q: %v", ts, err)
	}
	if d := time.Since(time.Unix(0, v*int64(unit))); d < -time.Minute || d > time.Minute {
		t.Fatalf("timestamp %q is %v away from now", ts, d)
	}
}

func TestBotFormats(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice := newUser(t, s, "alice", "en")
		svc := newService(s, notify.NewBotClient(nil, true), nil)
		run(t, svc)
		save := func(in notify.BotInput) {
			t.Helper()
			in.Enabled = true
			if _, err := svc.SaveBot(ctx, alice, false, in); err != nil {
				t.Fatal(err)
			}
		}
		m := notify.Message{Kind: model.NotifySystem, Title: "Quarterly [review]", Body: "line one\nline <two>", Link: "/bulk/7"}

		t.Run("wecom", func(t *testing.T) {
			srv, got := fakeBot(t, 0, `{"errcode":0,"errmsg":"ok"}`)
			save(notify.BotInput{Provider: model.BotWeCom, URL: srv.URL + "/cgi-bin/webhook/send?key=wk-123", Secret: "ignored"})
			if _, err := svc.Notify(ctx, alice.ID, m); err != nil {
				t.Fatal(err)
			}
			r := receive(t, got)
			if r.method != http.MethodPost || r.path != "/cgi-bin/webhook/send" || r.query.Get("key") != "wk-123" ||
				!strings.HasPrefix(r.contentType, "application/json") {
				t.Fatalf("request = %+v", r)
			}
			if keys(r.body) != "markdown,msgtype" || r.body["msgtype"] != "markdown" || keys(r.body["markdown"]) != "content" {
				t.Fatalf("body = %v", r.body)
			}
			content := r.body["markdown"].(map[string]any)["content"].(string)
			for _, want := range []string{"**Quarterly 【review】**", "line one", "line ‹two›", "[Open](https://crm.example.com/bulk/7)", "Touchbase"} {
				if !strings.Contains(content, want) {
					t.Errorf("content %q lacks %q", content, want)
				}
			}
		})

		t.Run("dingtalk", func(t *testing.T) {
			srv, got := fakeBot(t, 0, `{"errcode":0,"errmsg":"ok"}`)
			const secret = "SEC0123456789abcdef+/="
			save(notify.BotInput{Provider: model.BotDingTalk, URL: srv.URL + "/robot/send?access_token=dt-tok", Secret: secret})
			if _, err := svc.Notify(ctx, alice.ID, m); err != nil {
				t.Fatal(err)
			}
			r := receive(t, got)
			if r.method != http.MethodPost || r.path != "/robot/send" || r.query.Get("access_token") != "dt-tok" {
				t.Fatalf("request = %+v", r)
			}
			ts := r.query.Get("timestamp")
			checkTimestamp(t, ts, time.Millisecond)
			want := hmacB64(secret, ts+"\n"+secret)
			if r.query.Get("sign") != want || !strings.Contains(r.rawQuery, "sign="+url.QueryEscape(want)) {
				t.Fatalf("sign = %q (raw %q), want %q", r.query.Get("sign"), r.rawQuery, want)
			}
			if keys(r.body) != "markdown,msgtype" || r.body["msgtype"] != "markdown" || keys(r.body["markdown"]) != "text,title" {
				t.Fatalf("body = %v", r.body)
			}
			md := r.body["markdown"].(map[string]any)
			if md["title"] != "Quarterly [review]" || !strings.HasPrefix(md["text"].(string), "#### Quarterly 【review】\n\n") ||
				!strings.Contains(md["text"].(string), "(https://crm.example.com/bulk/7)") {
				t.Fatalf("markdown = %v", md)
			}
		})

		t.Run("feishu", func(t *testing.T) {
			srv, got := fakeBot(t, 0, `{"code":0,"msg":"success","data":{}}`)
			const secret = "fs-secret"
			save(notify.BotInput{Provider: model.BotFeishu, URL: srv.URL + "/open-apis/bot/v2/hook/hook-id", Secret: secret})
			if _, err := svc.Notify(ctx, alice.ID, m); err != nil {
				t.Fatal(err)
			}
			r := receive(t, got)
			if r.method != http.MethodPost || r.path != "/open-apis/bot/v2/hook/hook-id" || r.rawQuery != "" {
				t.Fatalf("request = %+v", r)
			}
			if keys(r.body) != "content,msg_type,sign,timestamp" || r.body["msg_type"] != "text" || keys(r.body["content"]) != "text" {
				t.Fatalf("body = %v", r.body)
			}
			ts, _ := r.body["timestamp"].(string) // a string, in seconds
			checkTimestamp(t, ts, time.Second)
			if want := hmacB64(ts+"\n"+secret, ""); r.body["sign"] != want {
				t.Fatalf("sign = %v, want %q", r.body["sign"], want)
			}
			text := r.body["content"].(map[string]any)["text"].(string)
			if !strings.HasPrefix(text, "Quarterly [review]\nline one\nline <two>") || !strings.HasSuffix(text, "Open: https://crm.example.com/bulk/7") {
				t.Fatalf("text = %q", text)
			}
		})

		t.Run("feishu unsigned", func(t *testing.T) {
			srv, got := fakeBot(t, 0, `{"StatusCode":0,"StatusMessage":"success"}`)
			save(notify.BotInput{Provider: model.BotFeishu, URL: srv.URL + "/open-apis/bot/v2/hook/other", ClearSecret: true})
			if _, err := svc.Notify(ctx, alice.ID, m); err != nil {
				t.Fatal(err)
			}
			if r := receive(t, got); keys(r.body) != "content,msg_type" {
				t.Fatalf("body = %v", r.body)
			}
		})
	})
}

// The admin-wide bot receives everyone's notifications, named; a
// broadcast reaches it once.
func TestAdminWideBot(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		admin := &model.User{Username: "root", Role: model.RoleAdmin, Active: true}
		if err := s.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		alice, bob := newUser(t, s, "Alice", ""), newUser(t, s, "Bob", "")
		svc := newService(s, notify.NewBotClient(nil, true), nil)
		run(t, svc)
		srv, group := fakeBot(t, 0, `{"errcode":0,"errmsg":"ok"}`)
		in := notify.BotInput{Provider: model.BotWeCom, URL: srv.URL + "/cgi-bin/webhook/send?key=group", Enabled: true}
		if _, err := svc.SaveBot(ctx, alice, true, in); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("agent sets the admin-wide bot: %v", err)
		}
		if _, err := svc.Bot(ctx, alice, true); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("agent reads the admin-wide bot: %v", err)
		}
		set, err := svc.SaveBot(ctx, admin, true, in)
		if err != nil || !set.AdminWide {
			t.Fatal(set, err)
		}
		own, mine := fakeBot(t, 0, `{"errcode":0,"errmsg":"ok"}`)
		if _, err := svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotWeCom,
			URL: own.URL + "/cgi-bin/webhook/send?key=alice", Enabled: true}); err != nil {
			t.Fatal(err)
		}

		if _, err := svc.Notify(ctx, alice.ID, msg("hello")); err != nil {
			t.Fatal(err)
		}
		content := func(r botRequest) string { return r.body["markdown"].(map[string]any)["content"].(string) }
		if c := content(receive(t, group)); !strings.HasPrefix(c, "**Alice: hello**") {
			t.Fatalf("group got %q", c)
		}
		if c := content(receive(t, mine)); !strings.HasPrefix(c, "**hello**") {
			t.Fatalf("alice's bot got %q", c)
		}

		if _, err := svc.NotifyUsers(ctx, []int64{alice.ID, bob.ID}, msg("maintenance")); err != nil {
			t.Fatal(err)
		}
		if c := content(receive(t, group)); !strings.HasPrefix(c, "**maintenance**") {
			t.Fatalf("group got %q", c)
		}
		receive(t, mine)
		select {
		case r := <-group:
			t.Fatalf("group bot got a broadcast twice: %v", r.body)
		case r := <-mine:
			t.Fatalf("alice's bot got a broadcast twice: %v", r.body)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

// A failing bot is retried when the failure is transient, logged, and
// never fails the notification.
func TestFailingBot(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice := newUser(t, s, "alice", "")
		var logs logBuffer
		svc := newService(s, notify.NewBotClient(&http.Client{Timeout: 2 * time.Second}, true), slogTo(&logs))
		run(t, svc)

		down, got := fakeBot(t, http.StatusBadGateway, "upstream down")
		if _, err := svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotDingTalk,
			URL: down.URL + "/robot/send?access_token=t", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		n, err := svc.Notify(ctx, alice.ID, msg("still stored"))
		if err != nil || n.ID == 0 {
			t.Fatalf("notify with a failing bot: %v", err)
		}
		for range 3 {
			receive(t, got)
		}
		waitLog(t, &logs, "bot post failed")
		if c, _ := svc.UnreadCount(ctx, alice.ID); c != 1 {
			t.Fatalf("unread = %d", c)
		}

		refusing, got2 := fakeBot(t, 0, `{"errcode":310000,"errmsg":"sign not match"}`)
		if _, err := svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotDingTalk,
			URL: refusing.URL + "/robot/send?access_token=t", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Notify(ctx, alice.ID, msg("refused")); err != nil {
			t.Fatal(err)
		}
		receive(t, got2)
		select {
		case <-got2:
			t.Fatal("a refusal was retried")
		case <-time.After(200 * time.Millisecond):
		}
		waitLog(t, &logs, "error 310000: sign not match")

		err = svc.TestBot(ctx, alice, false)
		var be *notify.BotError
		if !errors.As(err, &be) || be.Code != 310000 || be.Provider != model.BotDingTalk {
			t.Fatalf("test send = %v", err)
		}
	})
}

func waitLog(t *testing.T, logs *logBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q:\n%s", want, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Bot settings: vendor hosts only, secrets sealed at rest and never shown,
// kept when left empty.
func TestBotSettings(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice := newUser(t, s, "alice", "")
		box, _ := channel.NewSecretBox(make([]byte, 32))
		svc := notify.NewService(s, notify.NewBotClient(nil, false), box, quietLog(), testConfig())
		if _, err := svc.Bot(ctx, alice, false); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("no bot yet: %v", err)
		}
		for _, tc := range []struct{ field, provider, url string }{
			{"provider", "slack", "https://hooks.slack.com/x"},
			{"url", model.BotWeCom, ""},
			{"url", model.BotWeCom, "https://evil.example/cgi-bin/webhook/send?key=k"},
			{"url", model.BotWeCom, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
			{"url", model.BotWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
			{"url", model.BotDingTalk, "https://oapi.dingtalk.com/robot/send?key=k"},
			{"url", model.BotFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook/"},
			{"url", model.BotFeishu, "https://open.feishu.cn.evil.example/open-apis/bot/v2/hook/x"},
		} {
			_, err := svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: tc.provider, URL: tc.url})
			if ve, ok := model.AsValidation(err); !ok || ve.For(tc.field) == nil {
				t.Errorf("%s %q: %v, want an error on %s", tc.provider, tc.url, err, tc.field)
			}
		}
		const hook = "https://open.feishu.cn/open-apis/bot/v2/hook/2f7a9c4e-aaaa-bbbb-cccc-0123456789ab"
		set, err := svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotFeishu, URL: hook, Secret: "s3cret", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if set.URLHint != "https://open.feishu.cn/open-apis/bot/v2/hook/…89ab" || !set.HasSecret || !set.Enabled || set.AdminWide {
			t.Fatalf("settings = %+v", set)
		}
		stored, _ := s.BotWebhook(ctx, alice.ID)
		if !channel.IsSealed(stored.URL) || !channel.IsSealed(stored.Secret) || strings.Contains(stored.URL, "2f7a9c4e") {
			t.Fatalf("stored in clear: %+v", stored)
		}
		out, _ := json.Marshal(set)
		if strings.Contains(string(out), "2f7a9c4e") || strings.Contains(string(out), "s3cret") {
			t.Fatalf("settings leak a secret: %s", out)
		}

		// Empty URL and secret keep the stored ones.
		if set, err = svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotFeishu, Enabled: false}); err != nil || !set.HasSecret || set.Enabled {
			t.Fatalf("keep: %+v, %v", set, err)
		}
		again, _ := s.BotWebhook(ctx, alice.ID)
		if plain, _ := box.Open(again.URL); plain != hook {
			t.Fatalf("URL kept as %q", plain)
		}
		if set, _ = svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotFeishu, ClearSecret: true}); set.HasSecret {
			t.Fatal("secret not cleared")
		}
		set, err = svc.SaveBot(ctx, alice, false, notify.BotInput{Provider: model.BotWeCom,
			URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa", Secret: "unused"})
		if err != nil || set.URLHint != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa" || set.HasSecret {
			t.Fatalf("wecom settings = %+v, %v", set, err)
		}
		if err := svc.DeleteBot(ctx, alice, false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Bot(ctx, alice, false); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}
