package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// gateway is an SMS webhook receiver that answers with an id, or with the
// error code it was told to return.
type gateway struct {
	mu      sync.Mutex
	fail    string
	calls   int
	signed  bool
	lastTo  string
	lastTxt string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []struct{ Ref, To, Text string }
	}
	json.NewDecoder(r.Body).Decode(&body) //nolint:errcheck
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	g.signed = r.Header.Get(channel.WebhookSignatureHeader) != ""
	res := map[string]any{"ref": body.Messages[0].Ref, "id": "wh-42"}
	g.lastTo, g.lastTxt = body.Messages[0].To, body.Messages[0].Text
	if g.fail != "" {
		res = map[string]any{"ref": body.Messages[0].Ref, "error": map[string]any{"code": g.fail, "message": "rejected by the gateway"}}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"results": []any{res}}) //nolint:errcheck
}

func TestChannelSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		gw := &gateway{}
		srv := httptest.NewServer(gw)
		defer srv.Close()

		agent := e.signedIn(t, e.agent1)
		if res := agent.get("/admin/channels"); res.status != http.StatusForbidden {
			t.Errorf("agent GET /admin/channels: %d", res.status)
		}
		if res := agent.post("/admin/channels/sms", url.Values{"provider": {"outbox"}}); res.status != http.StatusForbidden {
			t.Errorf("agent POST /admin/channels/sms: %d", res.status)
		}

		admin := e.signedIn(t, e.admin)
		res := admin.get("/admin/channels")
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="channel-sms"`) || !strings.Contains(res.body, `id="channel-email"`) ||
			!strings.Contains(res.body, `id="status-sms">仅发件箱`) {
			t.Fatalf("channels page: %d\n%s", res.status, res.body)
		}

		// Missing fields come back inline, nothing is stored.
		res = admin.post("/admin/channels/sms", url.Values{"provider": {"webhook"}, "webhook.url": {""}, "webhook.secret": {""},
			"rate_limit": {"many"}})
		if res.status != http.StatusBadRequest || strings.Count(res.body, "此项为必填项") != 2 || !strings.Contains(res.body, "请输入 0 到 100000 之间的整数") {
			t.Fatalf("incomplete webhook: %d\n%s", res.status, res.body)
		}
		res = admin.post("/admin/channels/sms", url.Values{"provider": {"webhook"}, "webhook.url": {"ftp://gateway"}, "webhook.secret": {"x"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "channel webhook: url") {
			t.Fatalf("a bad URL is not reported under its field: %d\n%s", res.status, res.body)
		}
		res = admin.post("/admin/channels/email", url.Values{"provider": {"aliyun"}})
		if res.status != http.StatusBadRequest {
			t.Errorf("an SMS provider for e-mail: %d", res.status)
		}
		if cfgs, _ := s.ChannelConfigs(ctx); len(cfgs) != 0 {
			t.Fatalf("refused settings stored: %v", cfgs)
		}

		// Saved: the secret is sealed in the database and never shown again.
		res = admin.post("/admin/channels/sms", url.Values{"provider": {"webhook"}, "webhook.url": {srv.URL},
			"webhook.secret": {"s3cret-value"}, "webhook.max_batch": {"50"}, "rate_limit": {"20"},
			"aliyun.access_key_id": {"ignored"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/channels" {
			t.Fatalf("save: %d\n%s", res.status, res.body)
		}
		cfgs, err := s.ChannelConfigs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sms := cfgs["sms"]
		if sms == nil || sms.Provider != "webhook" || sms.RateLimit != 20 || strings.Contains(string(sms.Config), "s3cret") ||
			!strings.Contains(string(sms.Config), srv.URL) || strings.Contains(string(sms.Config), "ignored") {
			t.Fatalf("stored config: %+v %s", sms, sms.Config)
		}
		res = admin.get("/admin/channels")
		if strings.Contains(res.body, "s3cret") || !strings.Contains(res.body, "已保存密钥。留空则保持不变。") ||
			!strings.Contains(res.body, `value="`+srv.URL+`"`) || !strings.Contains(res.body, `id="status-sms">通过 HTTP Webhook 发送`) {
			t.Fatalf("settings page after save:\n%s", res.body)
		}
		// Saving again with the secret left blank keeps it.
		res = admin.post("/admin/channels/sms", url.Values{"provider": {"webhook"}, "webhook.url": {srv.URL}, "webhook.secret": {""}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("save keeping the secret: %d\n%s", res.status, res.body)
		}

		// A test send shows the provider's answer: its message id…
		res = admin.postHTMX("/admin/channels/sms/test", url.Values{"to": {"138 0013 8000"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="test-answer-sms"`) || !strings.Contains(res.body, "wh-42") {
			t.Fatalf("test send: %d\n%s", res.status, res.body)
		}
		if gw.calls != 1 || !gw.signed || gw.lastTo != "+8613800138000" {
			t.Fatalf("gateway saw %d calls, signed %v, to %q", gw.calls, gw.signed, gw.lastTo)
		}
		// …or the reason in the user's language with the provider's detail.
		gw.fail = "invalid_mobile"
		admin.lang = "en"
		res = admin.postHTMX("/admin/channels/sms/test", url.Values{"to": {"13800138000"}})
		if !strings.Contains(res.body, "Invalid mobile number") || !strings.Contains(res.body, "rejected by the gateway") ||
			!strings.Contains(res.body, "alert-error") {
			t.Fatalf("failed test send:\n%s", res.body)
		}
		res = admin.postHTMX("/admin/channels/sms/test", url.Values{"to": {"12"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "This is not a valid mobile number.") || gw.calls != 2 {
			t.Fatalf("bad test recipient: %d calls %d\n%s", res.status, gw.calls, res.body)
		}
		// E-mail still goes to the outbox: the test lands there.
		res = admin.postHTMX("/admin/channels/email/test", url.Values{"to": {"ops@example.com"}})
		if !strings.Contains(res.body, "Kept in the Outbox") || len(e.outbox()) != 1 {
			t.Fatalf("outbox test send:\n%s", res.body)
		}

		// Back to the outbox.
		res = admin.post("/admin/channels/sms", url.Values{"provider": {"outbox"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("back to outbox: %d", res.status)
		}
		if cfgs, _ := s.ChannelConfigs(ctx); cfgs["sms"].Provider != "outbox" {
			t.Fatal("the outbox was not stored")
		}
	})
}

func TestOutboxPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		var msgs []*model.OutboxMessage
		for i := 0; i < 55; i++ {
			msgs = append(msgs, &model.OutboxMessage{Kind: "sms", To: "+8613812345678", Body: fmt.Sprintf("短信 %02d", i)})
		}
		msgs = append(msgs, &model.OutboxMessage{Kind: "email", To: "wang@acme.example", Subject: "续费提醒", Body: "尊敬的王小明：\n您好"})
		must(t, s.AddOutboxMessages(ctx, msgs))

		if res := e.signedIn(t, e.agent1).get("/outbox"); res.status != http.StatusForbidden {
			t.Errorf("agent GET /outbox: %d", res.status)
		}
		admin := e.signedIn(t, e.admin)
		res := admin.get("/outbox")
		if res.status != http.StatusOK || !strings.Contains(res.body, "续费提醒") || !strings.Contains(res.body, "尊敬的王小明：\n您好") ||
			strings.Count(res.body, `class="outbox-item"`) != 50 || !strings.Contains(res.body, `id="outbox-older"`) {
			t.Fatalf("outbox: %d, %d items", res.status, strings.Count(res.body, `class="outbox-item"`))
		}
		res = admin.get("/outbox?kind=email")
		if strings.Count(res.body, `class="outbox-item"`) != 1 {
			t.Errorf("kind filter: %d items", strings.Count(res.body, `class="outbox-item"`))
		}
		res = admin.get("/outbox?to=" + url.QueryEscape("138 1234 5678"))
		if n := strings.Count(res.body, `class="outbox-item"`); n != 50 || strings.Contains(res.body, "续费提醒") {
			t.Errorf("recipient filter: %d items", n)
		}
		res = admin.get("/outbox?kind=sms&before=" + fmt.Sprint(msgs[5].ID))
		if n := strings.Count(res.body, `class="outbox-item"`); n != 5 || !strings.Contains(res.body, "短信 04") {
			t.Errorf("older page: %d items", n)
		}
	})
}

func TestNewFormsNeedCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.signedIn(t, e.admin)
		wang := e.contactNamed(e.acme.ID, "王小明")
		contact := url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"x"}, "channels": {"sms"}, "sms_text": {"x"},
			"channel": {"phone"}, "contacted_at": {"2026-01-01T10:00"}}
		for path, form := range map[string]url.Values{
			fmt.Sprintf("/customers/%d/contact", e.acme.ID):         contact,
			fmt.Sprintf("/customers/%d/contact/preview", e.acme.ID): contact,
			fmt.Sprintf("/customers/%d/records", e.acme.ID):         contact,
			"/admin/channels/sms":                                   {"provider": {"outbox"}, "rate_limit": {"3"}},
			"/admin/channels/sms/test":                              {"to": {"13800138000"}},
		} {
			for _, header := range []map[string]string{nil, {"HX-Request": "true"}, {"X-CSRF-Token": "forged"}} {
				if res := admin.postRaw(path, form, header); res.status != http.StatusForbidden {
					t.Errorf("POST %s without a good token (%v): %d", path, header, res.status)
				}
			}
		}
		if n := len(e.records()) + len(e.outbox()); n != 0 {
			t.Errorf("forged requests stored %d records and messages", n)
		}
		if cfgs, _ := s.ChannelConfigs(context.Background()); len(cfgs) != 0 {
			t.Error("a forged request changed channel settings")
		}
	})
}

// TestChannelPageShowsCallbackAddresses: once SMS goes through Aliyun the
// channel page gives the receipt and reply addresses, with the install's
// token, to paste into Aliyun's console; the outbox has none.
func TestChannelPageShowsCallbackAddresses(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	admin := e.signedIn(t, e.admin)
	if res := admin.get("/admin/channels"); strings.Contains(res.body, `id="callbacks-sms"`) {
		t.Fatal("the outbox shows callback addresses")
	}
	cfg := []byte(`{"access_key_id":"id","access_key_secret":"secret","sign_name":"恒信科技"}`)
	must(t, e.app.Channels.Save(context.Background(), e.admin.ID, channel.KindSMS, channel.ProviderAliyun, cfg, 0))
	res := admin.get("/admin/channels")
	base := e.app.Config.BaseURL + "/callbacks/sms/aliyun/" + e.app.Receipts.Token()
	if !strings.Contains(res.body, `id="callbacks-sms"`) || !strings.Contains(res.body, ">"+base+"<") ||
		!strings.Contains(res.body, ">"+base+"/up<") || len(e.app.Receipts.Token()) < 16 {
		t.Fatalf("callback addresses missing from the channel page:\n%s", res.body)
	}
}
