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

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// contactNamed returns the contact of a customer with that name.
func (e *env) contactNamed(customerID int64, name string) *model.Contact {
	e.t.Helper()
	cts, err := e.app.Contacts.Contacts(context.Background(), permission.Policy{Admin: true}, customerID)
	must(e.t, err)
	for _, c := range cts {
		if c.Name == name {
			return c
		}
	}
	e.t.Fatalf("no contact %q", name)
	return nil
}

// records returns every stored record, newest first.
func (e *env) records() []*model.Record {
	e.t.Helper()
	var out []*model.Record
	must(e.t, e.store.EachRecord(context.Background(), permission.Policy{Admin: true}, storage.RecordFilter{},
		func(r *model.Record) error { out = append(out, r); return nil }))
	return out
}

// outbox returns every message the outbox kept.
func (e *env) outbox() []*model.OutboxMessage {
	e.t.Helper()
	msgs, err := e.store.ListOutbox(context.Background(), storage.OutboxFilter{Limit: 500})
	must(e.t, err)
	return msgs
}

func (e *env) settings(st model.Settings) {
	e.t.Helper()
	if st.DefaultRegion == "" {
		st.DefaultRegion = "CN"
	}
	must(e.t, e.store.SaveSettings(context.Background(), st))
}

func TestContactActionFollowsPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		// agent2 sees Acme (visibility "all") but neither serves it nor may contact it.
		e.settings(model.Settings{Visibility: model.VisibilityAll})
		wang := e.contactNamed(e.acme.ID, "王小明")
		page := fmt.Sprintf("/customers/%d", e.acme.ID)
		dialog := page + "/contact"
		send := url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"回访"}, "channels": {"sms"}, "sms_text": {"您好"}}

		agent2 := e.signedIn(t, e.agent2)
		res := agent2.get(page)
		if res.status != http.StatusOK || strings.Contains(res.body, `id="contact-customer"`) ||
			strings.Contains(res.body, "contact-action") || strings.Contains(res.body, "record-action") {
			t.Fatalf("a rep without rights sees the contact actions: %d", res.status)
		}
		for _, p := range []string{dialog, dialog + "?contact_id=" + fmt.Sprint(wang.ID), page + "/records/new"} {
			if res := agent2.get(p); res.status != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", p, res.status)
			}
		}
		for p, form := range map[string]url.Values{dialog: send, dialog + "/preview": send,
			page + "/records": {"contact_id": {fmt.Sprint(wang.ID)}, "title": {"x"}, "channel": {"phone"}, "contacted_at": {"2026-01-01T10:00"}}} {
			if res := agent2.postHTMX(p, form); res.status != http.StatusForbidden {
				t.Errorf("POST %s: %d, want 403", p, res.status)
			}
		}
		if n := len(e.records()) + len(e.outbox()); n != 0 {
			t.Fatalf("refused contacts left %d records and messages", n)
		}

		// Opened to all, the same rep sees the actions and may contact.
		e.settings(model.Settings{Visibility: model.VisibilityAll, OpenContactAll: true})
		res = agent2.get(page)
		if !strings.Contains(res.body, `id="contact-customer"`) || !strings.Contains(res.body, "contact-action") {
			t.Fatal("with single contact open to all, the contact action is missing")
		}
		res = agent2.postHTMX(dialog, send)
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-done"`) {
			t.Fatalf("open contact: %d\n%s", res.status, res.body)
		}
		// An invisible customer stays a 404, whatever the setting.
		e.settings(model.Settings{Visibility: model.VisibilityOwn, OpenContactAll: true})
		if res := agent2.get(dialog); res.status != http.StatusNotFound {
			t.Errorf("invisible customer's dialog: %d, want 404", res.status)
		}

		// Admins always may.
		e.settings(model.Settings{Visibility: model.VisibilityOwn})
		admin := e.signedIn(t, e.admin)
		if res := admin.get(page); !strings.Contains(res.body, `id="contact-customer"`) {
			t.Error("the admin lacks the contact action")
		}
		if res := admin.postHTMX(dialog, send); res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-done"`) {
			t.Errorf("admin contact: %d", res.status)
		}
		if n := len(e.records()); n != 2 {
			t.Errorf("%d records, want 2", n)
		}
	})
}

func TestSingleContactDialog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		topic := &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
		must(t, s.CreateTopic(ctx, topic))
		wang, li := e.contactNamed(e.acme.ID, "王小明"), e.contactNamed(e.acme.ID, "Li Lei")
		dialog := fmt.Sprintf("/customers/%d/contact", e.acme.ID)
		agent := e.signedIn(t, e.agent1)

		// The dialog opens on the primary contact, prefilled, and says the outbox keeps messages.
		res := agent.htmx(dialog)
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), "<dialog") {
			t.Fatalf("dialog: %d\n%s", res.status, res.body)
		}
		for _, want := range []string{"86 138 1234 5678", "wang@acme.example", "Acme 贸易", `id="sms-outbox-note"`,
			`value="sms" id="ch-sms" checked`, "续费提醒", `data-insert="{{contact.name}}"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("dialog lacks %q", want)
			}
		}
		// Li Lei opted out of SMS and has no e-mail: both shown disabled with the reason.
		res = agent.htmx(dialog + "?contact_id=" + fmt.Sprint(li.ID))
		if !strings.Contains(res.body, `id="ch-sms" disabled`) || !strings.Contains(res.body, "已拒收短信") ||
			!strings.Contains(res.body, `id="ch-email" disabled`) || !strings.Contains(res.body, "没有邮箱") {
			t.Errorf("opted-out channels are not shown disabled with their reason:\n%s", res.body)
		}
		// A contact of another customer is not found.
		other := &model.Contact{CustomerID: e.globex.ID, Name: "Other"}
		must(t, s.CreateContact(ctx, other))
		if res := agent.htmx(dialog + "?contact_id=" + fmt.Sprint(other.ID)); res.status != http.StatusNotFound {
			t.Errorf("another customer's contact: %d, want 404", res.status)
		}

		// The preview fills merge fields and counts the SMS.
		res = agent.postHTMX(dialog+"/preview", url.Values{"contact_id": {fmt.Sprint(wang.ID)},
			"sms_text": {"{{contact.name}}您好"}, "email_subject": {"{{customer.name}}", "x"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="preview-sms">王小明您好<`) ||
			!strings.Contains(res.body, `id="preview-email-subject">Acme 贸易<`) ||
			!strings.Contains(res.body, `hx-swap-oob="true">5 个字符 · UCS-2 · 1 条`) {
			t.Fatalf("preview: %d\n%s", res.status, res.body)
		}
		res = agent.postHTMX(dialog+"/preview", url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "sms_text": {strings.Repeat("a", 161)}})
		if !strings.Contains(res.body, "161 个字符 · GSM-7 · 2 条") || !strings.Contains(res.body, "将拆分为 2 条发送并计费") {
			t.Errorf("a long SMS is not counted as two segments:\n%s", res.body)
		}
		res = agent.postHTMX(dialog+"/preview", url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "sms_text": {"{{contact.age}}"}})
		if !strings.Contains(res.body, "插入字段不存在或未闭合") {
			t.Errorf("an unknown merge field is not reported:\n%s", res.body)
		}

		// Refusals: inline errors, the content kept, nothing stored or sent.
		for _, tc := range []struct {
			name, want string
			form       url.Values
		}{
			{"opted out of SMS", `id="e-sms" role="alert">短信: 该联系人已拒收短信`,
				url.Values{"contact_id": {fmt.Sprint(li.ID)}, "title": {"回访"}, "channels": {"sms"}, "sms_text": {"kept text"}}},
			{"no channel", "请选择短信、邮件或两者",
				url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"回访"}, "sms_text": {"kept text"}}},
			{"no title", `id="e-title" role="alert">此项为必填项`,
				url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "channels": {"sms"}, "sms_text": {"kept text"}}},
		} {
			res := agent.postHTMX(dialog, tc.form)
			if res.status != http.StatusBadRequest || res.header.Get("HX-Retarget") != "#single-contact-form" ||
				!strings.Contains(res.body, tc.want) || !strings.Contains(res.body, "kept text") {
				t.Errorf("%s: %d %q\n%s", tc.name, res.status, res.header.Get("HX-Retarget"), res.body)
			}
		}
		// Without the CSRF token nothing happens.
		res = agent.postRaw(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"x"}, "channels": {"sms"},
			"sms_text": {"x"}}, map[string]string{"HX-Request": "true"})
		if res.status != http.StatusForbidden {
			t.Errorf("POST without CSRF: %d", res.status)
		}
		if n := len(e.records()) + len(e.outbox()); n != 0 {
			t.Fatalf("refused sends left %d records and messages", n)
		}

		// A good send: kept in the outbox, recorded, the timeline told to refresh.
		res = agent.postHTMX(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"续费回访"},
			"topic_ids": {fmt.Sprint(topic.ID)}, "summary": {"提醒续费"}, "channels": {"sms", "email"},
			"sms_text": {"{{contact.name}}您好，续费提醒。"}, "email_subject": {"{{customer.name}} 续费"}, "email_body": {"Dear {{contact.name}}"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-done"`) ||
			!strings.Contains(res.header.Get("HX-Trigger"), "recordsChanged") || !strings.Contains(res.body, "已保存到发件箱") {
			t.Fatalf("send: %d %q\n%s", res.status, res.header.Get("HX-Trigger"), res.body)
		}
		recs := e.records()
		if len(recs) != 2 {
			t.Fatalf("%d records, want one per channel", len(recs))
		}
		for _, r := range recs {
			if r.Source != model.SourceSingle || r.Title != "续费回访" || len(r.TopicIDs) != 1 || r.Summary != "提醒续费" {
				t.Errorf("record: %+v", r)
			}
			if !strings.Contains(res.body, fmt.Sprintf(`href="/records/%d"`, r.ID)) {
				t.Errorf("the result does not link to record %d", r.ID)
			}
		}
		if out := e.outbox(); len(out) != 2 || !strings.Contains(out[0].Body+out[1].Body, "王小明您好，续费提醒。") {
			t.Errorf("outbox: %+v", out)
		}

		// Without JavaScript the dialog is a page, and so is its answer.
		res = agent.get(dialog + "?contact_id=" + fmt.Sprint(wang.ID))
		if res.status != http.StatusOK || !strings.Contains(res.body, "<html") || !strings.Contains(res.body, `id="single-contact-form"`) {
			t.Fatalf("dialog as a page: %d", res.status)
		}
		res = agent.post(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"无脚本"}, "channels": {"email"},
			"email_subject": {"主题"}, "email_body": {"正文"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "<html") || !strings.Contains(res.body, `id="single-contact-done"`) {
			t.Fatalf("plain send: %d\n%s", res.status, res.body)
		}

		// Do-not-contact: the banner shows, sending is refused and nothing is stored.
		e.acme.DoNotContact = true
		must(t, s.UpdateCustomer(ctx, e.acme))
		if res := agent.htmx(dialog); !strings.Contains(res.body, `id="dnc-banner"`) || !strings.Contains(res.body, `id="ch-sms" disabled`) {
			t.Errorf("do-not-contact customer's dialog:\n%s", res.body)
		}
		res = agent.postHTMX(dialog, url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"x"}, "channels": {"sms"}, "sms_text": {"x"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="e-customer"`) {
			t.Errorf("do-not-contact send: %d\n%s", res.status, res.body)
		}
		if len(e.records()) != 3 || len(e.outbox()) != 3 {
			t.Error("a send to a do-not-contact customer was stored")
		}
	})
}

func TestSingleContactProviderFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Messages []struct{ Ref string } }
			json.NewDecoder(r.Body).Decode(&body) //nolint:errcheck
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"results": []any{map[string]any{"ref": body.Messages[0].Ref, //nolint:errcheck
				"error": map[string]any{"code": "invalid_mobile", "message": "number unreachable"}}}})
		}))
		defer srv.Close()
		cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "s3cret"})
		must(t, e.app.Channels.Save(ctx, e.admin.ID, channel.KindSMS, channel.ProviderWebhook, cfg, 0))
		wang := e.contactNamed(e.acme.ID, "王小明")
		agent := e.signedIn(t, e.agent1)
		res := agent.postHTMX(fmt.Sprintf("/customers/%d/contact", e.acme.ID), url.Values{"contact_id": {fmt.Sprint(wang.ID)},
			"title": {"续费"}, "channels": {"sms", "email"}, "sms_text": {"短信正文"}, "email_subject": {"主题"}, "email_body": {"正文"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-form"`) {
			t.Fatalf("failed send: %d\n%s", res.status, res.body)
		}
		for _, want := range []string{`id="result-sms"`, "手机号码无效", "number unreachable", `id="result-email"`, "短信正文",
			`value="sms" id="ch-sms" checked`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the failed send's dialog lacks %q", want)
			}
		}
		if strings.Contains(res.body, `value="email" id="ch-email" checked`) {
			t.Error("the channel that went out is still ticked")
		}
		if recs := e.records(); len(recs) != 1 || recs[0].Channel != "email" {
			t.Errorf("records after a partial failure: %d", len(recs))
		}
		ds, err := s.DeliveriesOfContact(ctx, wang.ID, 10)
		if err != nil || len(ds) != 2 {
			t.Fatalf("delivery log: %v %d", err, len(ds))
		}
	})
}
