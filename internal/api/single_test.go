package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// contactWorld is a rep with one customer and its contacts.
type contactWorld struct {
	e                  *env
	admin, rep, seer   *model.User
	adm, rp, sr        reqOpt
	x                  *model.Customer
	li, optOut, noMail *model.Contact
	dnc                *model.Contact // of a do-not-contact customer
	topic              *model.Topic
}

func newContactWorld(t *testing.T, s *storage.Store) *contactWorld {
	t.Helper()
	e := newEnv(t, s)
	w := &contactWorld{e: e}
	w.admin = e.user(t, "admin", model.RoleAdmin, nil)
	w.rep = e.user(t, "rep", model.RoleAgent, nil)
	w.rep.DisplayName = "王芳"
	if err := s.UpdateUser(t.Context(), w.rep); err != nil {
		t.Fatal(err)
	}
	w.seer = e.user(t, "seer", model.RoleAgent, nil)
	w.adm, w.rp, w.sr = bearer(e.token(t, w.admin)), bearer(e.token(t, w.rep)), bearer(e.token(t, w.seer))
	e.settings(t, model.VisibilityAll, false)
	w.x = e.customer(t, &model.Customer{Name: "恒信科技", Code: "HX", RepID: &w.rep.ID})
	w.li = e.contact(t, &model.Contact{CustomerID: w.x.ID, Name: "李雷", Mobile: "+8613812345678", Email: "li@example.cn"})
	w.optOut = e.contact(t, &model.Contact{CustomerID: w.x.ID, Name: "韩梅", Mobile: "+8613812345679",
		Email: "han@example.cn", OptOutSMS: true, OptOutEmail: true})
	w.noMail = e.contact(t, &model.Contact{CustomerID: w.x.ID, Name: "Lucy", Mobile: "+8613812345670"})
	d := e.customer(t, &model.Customer{Name: "勿扰公司", Code: "DNC", RepID: &w.rep.ID, DoNotContact: true})
	w.dnc = e.contact(t, &model.Contact{CustomerID: d.ID, Name: "Lin", Mobile: "+8613812345671"})
	w.topic = &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
	if err := s.CreateTopic(t.Context(), w.topic); err != nil {
		t.Fatal(err)
	}
	return w
}

// state is everything a refused single contact must leave alone.
func (w *contactWorld) state(t *testing.T) string {
	t.Helper()
	s := w.e.store
	return counts(t, s) + dump(t, s, `SELECT * FROM contact_records ORDER BY id`) +
		dump(t, s, `SELECT * FROM deliveries ORDER BY id`) + dump(t, s, `SELECT * FROM outbox_messages ORDER BY id`) +
		dump(t, s, `SELECT * FROM channel_configs ORDER BY kind`)
}

func contactPath(ct *model.Contact) string { return "contacts/" + itoa(ct.ID) + "/contact" }

func TestSingleContactThroughOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		body := `{"title":"续费","topic_ids":[` + itoa(w.topic.ID) + `],"summary":"提醒续费",
			"sms":{"text":"{{contact.name}}您好，{{customer.name}}的服务将到期。— {{user.name}}"},
			"email":{"subject":"{{customer.name}} 续费提醒","body":"Dear {{contact.name}},\n\n<renew> soon."}}`
		r := w.e.do(t, "POST", contactPath(w.li), body, w.rp)
		if r.status != 200 {
			t.Fatalf("single contact: %v", r)
		}
		var out struct {
			Results []struct {
				Channel, Status, Address, Provider string
				ProviderMessageID                  string `json:"provider_message_id"`
				RecordID                           *int64 `json:"record_id"`
				DeliveryID                         int64  `json:"delivery_id"`
				Reason                             string
			}
			Sent, Failed int
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Results) != 2 || out.Sent != 2 || out.Failed != 0 {
			t.Fatalf("results: %s", r.body)
		}
		for _, res := range out.Results {
			if res.Status != "sent" || res.Provider != "outbox" || res.RecordID == nil || res.DeliveryID == 0 ||
				!strings.HasPrefix(res.ProviderMessageID, "outbox-") || res.Reason != "" {
				t.Errorf("result: %+v", res)
			}
			rec := w.e.do(t, "GET", "records/"+itoa(*res.RecordID), nil, w.rp).json(t)
			if rec["source"] != "single" || rec["status"] != "sent" || rec["title"] != "续费" || rec["channel"] != res.Channel ||
				rec["address"] != res.Address || rec["provider_message_id"] != res.ProviderMessageID ||
				len(rec["topic_ids"].([]any)) != 1 || rec["user_id"] != float64(w.rep.ID) {
				t.Errorf("record of %s: %v", res.Channel, rec)
			}
		}
		// The outbox holds the rendered messages.
		ob := w.e.do(t, "GET", "outbox?kind=sms", nil, w.adm).json(t)["items"].([]any)
		if len(ob) != 1 || ob[0].(map[string]any)["body"] != "李雷您好，恒信科技的服务将到期。— 王芳" ||
			ob[0].(map[string]any)["to"] != "+8613812345678" {
			t.Fatalf("sms in the outbox: %v", ob)
		}
		mail := w.e.do(t, "GET", "outbox?kind=email&to=li@example.cn", nil, w.adm).json(t)["items"].([]any)
		if len(mail) != 1 || mail[0].(map[string]any)["subject"] != "恒信科技 续费提醒" ||
			!strings.Contains(mail[0].(map[string]any)["html"].(string), "&lt;renew&gt;") {
			t.Fatalf("e-mail in the outbox: %v", mail)
		}
		// Both show on the customer's timeline, newest first.
		tl := w.e.do(t, "GET", "customers/"+itoa(w.x.ID)+"/records", nil, w.rp).json(t)
		if len(tl["items"].([]any)) != 2 || tl["next_cursor"] != nil {
			t.Errorf("timeline: %v", tl)
		}

		// Preview: merge fields and SMS figures, nothing sent.
		before := w.state(t)
		r = w.e.do(t, "POST", contactPath(w.li)+"/preview", `{"title":"","sms":{"text":"{{contact.name}}您好"},
			"email":{"subject":"Hi {{contact.name}}","body":"{{ nope"}}`, w.rp)
		p := r.json(t)
		sms := p["sms"].(map[string]any)
		if r.status != 200 || sms["text"] != "李雷您好" || sms["encoding"] != "UCS-2" || sms["chars"] != float64(4) ||
			sms["segments"] != float64(1) || p["email"].(map[string]any)["subject"] != "Hi 李雷" {
			t.Errorf("preview: %v", r)
		}
		if errs := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "email.body" {
			t.Errorf("preview errors: %v", p["errors"])
		}
		r = w.e.do(t, "POST", contactPath(w.li)+"/preview", `{"title":"x","sms":{"text":"`+strings.Repeat("a", 161)+`"}}`, w.rp)
		if p := r.json(t); p["email"] != nil || p["sms"].(map[string]any)["segments"] != float64(2) ||
			p["sms"].(map[string]any)["encoding"] != "GSM-7" {
			t.Errorf("long GSM-7 preview: %v", r)
		}
		if after := w.state(t); after != before {
			t.Errorf("preview changed data")
		}
	})
}

func TestSingleContactRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		sms := `"sms":{"text":"hi"}`
		cases := []struct {
			name   string
			ct     *model.Contact
			body   string
			as     reqOpt
			status int
			code   string
			field  string
		}{
			{"opted out of SMS", w.optOut, `{"title":"x",` + sms + `}`, w.rp, 400, "validation_failed", "sms"},
			{"opted out of e-mail", w.optOut, `{"title":"x","email":{"subject":"s","body":"b"}}`, w.rp, 400, "validation_failed", "email"},
			{"no e-mail address", w.noMail, `{"title":"x","email":{"subject":"s","body":"b"}}`, w.rp, 400, "validation_failed", "email"},
			{"do-not-contact customer", w.dnc, `{"title":"x",` + sms + `}`, w.rp, 400, "validation_failed", "customer"},
			{"bad merge field", w.li, `{"title":"x","sms":{"text":"Hi {{contact.age}}"}}`, w.rp, 400, "validation_failed", "sms.text"},
			{"unclosed merge field", w.li, `{"title":"x","email":{"subject":"s","body":"{{contact.name"}}`, w.rp, 400, "validation_failed", "email.body"},
			{"no channel", w.li, `{"title":"x"}`, w.rp, 400, "validation_failed", "channels"},
			{"WeCom not connected", w.li, `{"title":"x","wecom":{"text":"您好"}}`, w.rp, 400, "validation_failed", "wecom"},
			{"empty WeCom message", w.li, `{"title":"x","wecom":{"text":" "}}`, w.rp, 400, "validation_failed", "wecom.text"},
			{"WeCom link without an address", w.li, `{"title":"x","wecom":{"text":"您好","attachments":[{"kind":"link","title":"说明","url":"x"}]}}`,
				w.rp, 400, "validation_failed", "wecom.attachments[0].url"},
			{"unknown WeCom attachment field", w.li, `{"title":"x","wecom":{"text":"您好","attachments":[{"kind":"link","href":"x"}]}}`,
				w.rp, 400, "unknown_field", "href"},
			{"no title", w.li, `{` + sms + `}`, w.rp, 400, "validation_failed", "title"},
			{"empty SMS", w.li, `{"title":"x","sms":{"text":" "}}`, w.rp, 400, "validation_failed", "sms.text"},
			{"unknown topic", w.li, `{"title":"x","topic_ids":[999999],` + sms + `}`, w.rp, 400, "validation_failed", "topic_ids"},
			{"bad plan id", w.li, `{"title":"x","plan_id":0,` + sms + `}`, w.rp, 400, "validation_failed", "plan_id"},
			{"SMS OK, e-mail opted out: nothing sent", w.optOut, `{"title":"x","email":{"subject":"s","body":"b"},` + sms + `}`,
				w.rp, 400, "validation_failed", "sms"},
			{"sees but may not contact", w.li, `{"title":"x",` + sms + `}`, w.sr, 403, "forbidden", ""},
			{"missing contact", &model.Contact{ID: 999999}, `{"title":"x",` + sms + `}`, w.rp, 404, "not_found", ""},
		}
		for _, c := range cases {
			before := w.state(t)
			r := w.e.do(t, "POST", contactPath(c.ct), c.body, c.as)
			code, field := r.errCode(t)
			if r.status != c.status || code != c.code || field != c.field {
				t.Errorf("%s: %d %s %q, want %d %s %q: %s", c.name, r.status, code, field, c.status, c.code, c.field, r.body)
			}
			if after := w.state(t); after != before {
				t.Errorf("%s: refused with %d but data changed", c.name, r.status)
			}
		}
		// Every failing field is listed, not only the first.
		r := w.e.do(t, "POST", contactPath(w.optOut), `{"title":"","email":{"subject":"s","body":"b"},`+sms+`}`, w.rp)
		var fields []string
		for _, f := range r.json(t)["error"].(map[string]any)["fields"].([]any) {
			fields = append(fields, f.(map[string]any)["field"].(string))
		}
		if strings.Join(fields, ",") != "title,sms,email" {
			t.Errorf("fields: %v", fields)
		}
		// Invisible under "own": 404, same as missing.
		w.e.settings(t, model.VisibilityOwn, false)
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"x",`+sms+`}`, w.sr)
		if r.status != 404 {
			t.Errorf("invisible contact: %v", r)
		}
		// Open contact lets whoever sees the customer contact it.
		w.e.settings(t, model.VisibilityAll, true)
		if r := w.e.do(t, "POST", contactPath(w.li), `{"title":"x",`+sms+`}`, w.sr); r.status != 200 {
			t.Errorf("open contact: %v", r)
		}
	})
}

// hook is a webhook receiver that checks each request's signature and
// answers as told.
type hook struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	reqs   []webhookCall
	answer func(ref string) string
}

type webhookCall struct {
	signed    bool
	timestamp int64
	messages  []struct {
		Ref, To, Subject, Text, HTML string
	}
}

func newHook(t *testing.T, secret string) *hook {
	h := &hook{secret: secret}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var c webhookCall
		c.signed = r.Header.Get(channel.WebhookSignatureHeader) == channel.WebhookSignature(h.secret, body) &&
			r.Header.Get("Content-Type") == "application/json"
		var payload struct {
			Timestamp int64 `json:"timestamp"`
			Messages  []struct {
				Ref, To, Subject, Text, HTML string
			} `json:"messages"`
		}
		if err := json.Unmarshal(body, &payload); err != nil || !c.signed ||
			r.Header.Get(channel.WebhookTimestampHeader) != itoa(payload.Timestamp) || len(payload.Messages) != 1 {
			c.signed = false
			h.record(c)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		c.timestamp, c.messages = payload.Timestamp, payload.Messages
		h.record(c)
		h.mu.Lock()
		answer := h.answer
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer(payload.Messages[0].Ref))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) record(c webhookCall) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs = append(h.reqs, c)
}

func (h *hook) set(answer func(ref string) string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answer = answer
}

func (h *hook) last(t *testing.T) webhookCall {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.reqs) == 0 {
		t.Fatal("the webhook was not called")
	}
	return h.reqs[len(h.reqs)-1]
}

func refuseMobile(ref string) string {
	return `{"results":[{"ref":"` + ref + `","error":{"code":"invalid_mobile","message":"number does not exist","transient":false}}]}`
}

func TestSingleContactThroughWebhook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		const secret = "whsec-7f3a9c-very-secret"
		h := newHook(t, secret)
		h.set(refuseMobile)

		r := w.e.do(t, "PUT", "channels/sms", `{"provider":"webhook","config":{"url":"`+h.srv.URL+`","secret":"`+secret+`"},"rate_limit":10}`, w.adm)
		if r.status != 200 || r.json(t)["provider"] != "webhook" || r.json(t)["is_outbox"] != false ||
			r.json(t)["config"].(map[string]any)["secret"] != "" || r.json(t)["rate_limit"] != float64(10) {
			t.Fatalf("configure the webhook: %v", r)
		}
		noSecret := func(where, text string) {
			t.Helper()
			if strings.Contains(text, secret) {
				t.Errorf("the secret appears in %s: %s", where, text)
			}
		}
		noSecret("PUT /channels/sms", string(r.body))
		r = w.e.do(t, "GET", "channels", nil, w.adm)
		noSecret("GET /channels", string(r.body))
		items := r.json(t)["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["kind"] != "sms" || items[0].(map[string]any)["provider"] != "webhook" ||
			items[0].(map[string]any)["config"].(map[string]any)["url"] != h.srv.URL || items[1].(map[string]any)["is_outbox"] != true {
			t.Errorf("channels: %s", r.body)
		}
		stored := dump(t, s, `SELECT config FROM channel_configs WHERE kind = 'sms'`)
		noSecret("the database", stored)
		if !strings.Contains(stored, h.srv.URL) {
			t.Errorf("stored config: %s", stored)
		}

		// A permanent refusal: 200, the result failed with its reason, no
		// record, the delivery log kept.
		before := counts(t, s)
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"到期提醒","sms":{"text":"{{contact.name}}您好"}}`, w.rp)
		if r.status != 200 {
			t.Fatalf("single contact: %v", r)
		}
		call := h.last(t)
		if !call.signed || call.messages[0].To != "+8613812345678" || call.messages[0].Text != "李雷您好" || call.messages[0].Ref == "" {
			t.Fatalf("webhook request: %+v", call)
		}
		out := r.json(t)
		res := out["results"].([]any)[0].(map[string]any)
		if out["sent"] != float64(0) || out["failed"] != float64(1) || res["status"] != "failed" || res["reason"] != "invalid_mobile" ||
			res["reason_text"] != "手机号码无效" || res["detail"] != "number does not exist" || res["transient"] != false ||
			res["record_id"] != nil || res["provider"] != "webhook" {
			t.Fatalf("result: %s", r.body)
		}
		if n := dump(t, s, `SELECT count(*) FROM contact_records`); n != "0\n" {
			t.Errorf("a refused send left %s records", n)
		}
		d := dump(t, s, `SELECT id, status, reason, detail, provider, address FROM deliveries`)
		if d != itoa(int64(res["delivery_id"].(float64)))+" failed invalid_mobile number does not exist webhook +8613812345678\n" {
			t.Errorf("delivery log: %q", d)
		}
		if counts(t, s) == before {
			t.Error("the delivery log was not kept")
		}

		// reason_text follows Accept-Language, and the user's own choice first.
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"x","sms":{"text":"hi"}}`, w.rp, header("Accept-Language", "en-US,en;q=0.9"))
		if got := r.json(t)["results"].([]any)[0].(map[string]any)["reason_text"]; got != "Invalid mobile number" {
			t.Errorf("reason_text with Accept-Language en: %v", got)
		}
		w.e.do(t, "PATCH", "users/"+itoa(w.rep.ID), `{"language":"en"}`, w.adm)
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"x","sms":{"text":"hi"}}`, w.rp, header("Accept-Language", "zh-CN"))
		if got := r.json(t)["results"].([]any)[0].(map[string]any)["reason_text"]; got != "Invalid mobile number" {
			t.Errorf("reason_text of a user who chose English: %v", got)
		}

		// The test button gives the provider's verdict: 502 with the reason.
		r = w.e.do(t, "POST", "channels/sms/test", `{"to":"138 1234 5678"}`, w.adm)
		pe, _ := r.json(t)["error"].(map[string]any)
		if r.status != 502 || pe["code"] != "provider_failed" || pe["reason"] != "invalid_mobile" || pe["provider"] != "webhook" ||
			pe["detail"] != "number does not exist" || pe["transient"] != false || pe["reason_text"] != "手机号码无效" {
			t.Errorf("test send refused: %v", r)
		}
		if call := h.last(t); call.messages[0].To != "+8613812345678" {
			t.Errorf("test message to %q", call.messages[0].To)
		}

		// Saving without the secret keeps it: requests are still signed with it.
		r = w.e.do(t, "PUT", "channels/sms", `{"provider":"webhook","config":{"url":"`+h.srv.URL+`","secret":""},"rate_limit":3}`, w.adm)
		if r.status != 200 || r.json(t)["rate_limit"] != float64(3) {
			t.Fatalf("save without the secret: %v", r)
		}
		noSecret("the database", dump(t, s, `SELECT config FROM channel_configs`))
		h.set(func(ref string) string { return `{"results":[{"ref":"` + ref + `","id":"wh-42"}]}` })
		r = w.e.do(t, "POST", "channels/sms/test", `{"to":"+8613812345678"}`, w.adm)
		if r.status != 200 || r.json(t)["provider_message_id"] != "wh-42" || r.json(t)["provider"] != "webhook" || !h.last(t).signed {
			t.Errorf("test send accepted: %v", r)
		}
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"到期提醒","sms":{"text":"hi"}}`, w.rp)
		res = r.json(t)["results"].([]any)[0].(map[string]any)
		if res["status"] != "sent" || res["provider_message_id"] != "wh-42" || res["record_id"] == nil || res["reason_text"] != "" {
			t.Fatalf("accepted send: %s", r.body)
		}
		rec := w.e.do(t, "GET", "records/"+itoa(int64(res["record_id"].(float64))), nil, w.rp).json(t)
		if rec["provider"] != "webhook" || rec["provider_message_id"] != "wh-42" || rec["content"] != "hi" {
			t.Errorf("record: %v", rec)
		}

		// A receiver that is down: transient, still answered 200 for a
		// single contact and 502 for the test button.
		h.srv.Close()
		r = w.e.do(t, "POST", contactPath(w.li), `{"title":"x","sms":{"text":"hi"}}`, w.rp)
		res = r.json(t)["results"].([]any)[0].(map[string]any)
		if r.status != 200 || res["status"] != "failed" || res["reason"] != "network_error" || res["transient"] != true {
			t.Errorf("receiver down: %s", r.body)
		}
		if r := w.e.do(t, "POST", "channels/sms/test", `{"to":"+8613812345678"}`, w.adm); r.status != 502 {
			t.Errorf("test send to a receiver that is down: %v", r)
		}

		// Back to the outbox.
		r = w.e.do(t, "PUT", "channels/sms", `{"provider":"outbox"}`, w.adm)
		if r.status != 200 || r.json(t)["is_outbox"] != true {
			t.Errorf("back to the outbox: %v", r)
		}
		r = w.e.do(t, "POST", "channels/sms/test", `{"to":"+8613812345678"}`, w.adm)
		if r.status != 200 || r.json(t)["provider"] != "outbox" {
			t.Errorf("outbox test send: %v", r)
		}
	})
}

func TestChannelSettingsRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		hookURL := `"url":"https://hooks.example.com/sms"`
		cases := []struct {
			method, path, body string
			as                 reqOpt
			status             int
			code, field        string
		}{
			{"PUT", "channels/sms", `{"provider":"carrier-pigeon"}`, w.adm, 400, "validation_failed", "provider"},
			{"PUT", "channels/sms", `{"provider":"webhook","config":{` + hookURL + `}}`, w.adm, 400, "validation_failed", "config.secret"},
			{"PUT", "channels/sms", `{"provider":"webhook","config":{"url":"ftp://x","secret":"s"}}`, w.adm, 400, "validation_failed", "config.url"},
			{"PUT", "channels/sms", `{"provider":"webhook","config":{` + hookURL + `,"secret":"s","signing":"md5"}}`, w.adm, 400, "unknown_field", "config.signing"},
			{"PUT", "channels/sms", `{"provider":"webhook","config":{` + hookURL + `,"secret":"s","max_batch":"9"}}`, w.adm, 400, "validation_failed", "config.max_batch"},
			{"PUT", "channels/sms", `{"provider":"webhook","config":{` + hookURL + `,"secret":"s","kind":"email"}}`, w.adm, 400, "validation_failed", "provider"},
			{"PUT", "channels/email", `{"provider":"twilio","config":{}}`, w.adm, 400, "validation_failed", "config.account_sid"},
			{"PUT", "channels/sms", `{"provider":"outbox","rate_limit":-1}`, w.adm, 400, "validation_failed", "rate_limit"},
			{"PUT", "channels/wecom", `{"provider":"outbox"}`, w.adm, 404, "not_found", ""},
			{"PUT", "channels/SMS", `{"provider":"outbox"}`, w.adm, 404, "not_found", ""},
			{"PUT", "channels/sms", `{"provider":"outbox"}`, w.rp, 403, "forbidden", ""},
			{"POST", "channels/sms/test", `{"to":"12345"}`, w.adm, 400, "validation_failed", "to"},
			{"POST", "channels/sms/test", `{}`, w.adm, 400, "validation_failed", "to"},
			{"POST", "channels/email/test", `{"to":"Li <li@example.cn>"}`, w.adm, 400, "validation_failed", "to"},
			{"POST", "channels/fax/test", `{"to":"1"}`, w.adm, 404, "not_found", ""},
			{"POST", "channels/sms/test", `{"to":"+8613812345678"}`, w.sr, 403, "forbidden", ""},
			{"GET", "outbox?kind=fax", "", w.adm, 400, "invalid_parameter", "kind"},
			{"GET", "outbox?before_id=0", "", w.adm, 400, "invalid_parameter", "before_id"},
			{"GET", "outbox?limit=501", "", w.adm, 400, "invalid_parameter", "limit"},
		}
		for _, c := range cases {
			before := w.state(t)
			var body any
			if c.body != "" {
				body = c.body
			}
			r := w.e.do(t, c.method, c.path, body, c.as)
			code, field := r.errCode(t)
			if r.status != c.status || code != c.code || field != c.field {
				t.Errorf("%s %s %s: %d %s %q, want %d %s %q: %s", c.method, c.path, c.body, r.status, code, field,
					c.status, c.code, c.field, r.body)
			}
			if after := w.state(t); after != before {
				t.Errorf("%s %s %s: refused but data changed", c.method, c.path, c.body)
			}
		}
		// E-mail through SMTP: the password is a secret too.
		r := w.e.do(t, "PUT", "channels/email", `{"provider":"smtp","config":{"host":"smtp.example.com","port":587,
			"username":"bot","password":"smtp-pa55-word","from":"bot@example.com"}}`, w.adm)
		if r.status != 200 || strings.Contains(string(r.body), "smtp-pa55-word") {
			t.Fatalf("smtp settings: %v", r)
		}
		if all := dump(t, s, `SELECT * FROM channel_configs`) + string(w.e.do(t, "GET", "channels", nil, w.adm).body); strings.Contains(all, "smtp-pa55-word") {
			t.Errorf("the SMTP password is readable: %s", all)
		}
	})
}

func TestOutboxPaging(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	w := newContactWorld(t, s)
	for range 5 {
		if r := w.e.do(t, "POST", contactPath(w.li), `{"title":"x","sms":{"text":"hi"},"email":{"subject":"s","body":"b"}}`, w.rp); r.status != 200 {
			t.Fatalf("send: %v", r)
		}
	}
	var ids []float64
	path := "outbox?kind=email&limit=2"
	for range 10 {
		p := w.e.do(t, "GET", path, nil, w.adm).json(t)
		for _, it := range p["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(float64))
		}
		if p["next_before_id"] == nil {
			break
		}
		path = "outbox?kind=email&limit=2&before_id=" + itoa(int64(p["next_before_id"].(float64)))
	}
	if len(ids) != 5 {
		t.Fatalf("paged through %v", ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			t.Errorf("not newest first: %v", ids)
		}
	}
}
