package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestMalformedBulkBodies feeds broken bodies to the bulk send, its
// preview and the group-bot settings: each is a 400 naming the field, and
// nothing changes (no send, no recipient, no job, no bot).
func TestMalformedBulkBodies(t *testing.T) {
	t.Parallel()
	ids := func(n int) string { return strings.TrimSuffix(strings.Repeat("7,", n), ",") }
	huge := `{"title":"` + strings.Repeat("a", maxBody) + `"}`
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	type tc struct{ name, body, code, field string }
	shared := []tc{
		{"empty", "", "empty_body", ""},
		{"null", "null", "invalid_json", ""},
		{"array", `[{"title":"x"}]`, "invalid_json", ""},
		{"truncated", `{"title":"x"`, "invalid_json", "title"},
		{"trailing data", `{"title":"x"} {}`, "invalid_json", ""},
		{"invalid UTF-8", "{\"title\":\"\xff\"}", "invalid_utf8", "title"},
		{"huge body", huge, "body_too_large", ""},
	}
	// Both the send and its preview.
	both := []tc{
		{"no recipients", `{"title":"x","sms_text":"a"}`, "validation_failed", "recipients"},
		{"null recipients", `{"title":"x","sms_text":"a","recipients":null}`, "validation_failed", "recipients"},
		{"array recipients", `{"title":"x","sms_text":"a","recipients":[1,2]}`, "invalid_type", "recipients"},
		{"string ids", `{"title":"x","sms_text":"a","recipients":{"contact_ids":"1,2"}}`, "invalid_type", "recipients.contact_ids"},
		{"fraction id", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[1.5]}}`, "invalid_type", "recipients.contact_ids"},
		{"no tick", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[]}}`, "validation_failed", "recipients.contact_ids"},
		{"zero id", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[0]}}`, "validation_failed", "recipients.contact_ids"},
		{"ticks and a filter", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[1],"q":"a"}}`, "validation_failed", "recipients.contact_ids"},
		{"too many ticks", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[` + ids(5001) + `]}}`, "validation_failed", "recipients.contact_ids"},
		{"too many exclusions", `{"title":"x","sms_text":"a","recipients":{"exclude_ids":[` + ids(5001) + `]}}`, "validation_failed", "recipients.exclude_ids"},
		{"negative exclusion", `{"title":"x","sms_text":"a","recipients":{"exclude_ids":[-3]}}`, "validation_failed", "recipients.exclude_ids"},
		{"unknown member", `{"title":"x","sms_text":"a","recipients":{"ids":[1]}}`, "unknown_field", "ids"},
		{"zero team", `{"title":"x","sms_text":"a","recipients":{"team_id":0}}`, "validation_failed", "recipients.team_id"},
		{"string rep", `{"title":"x","sms_text":"a","recipients":{"rep_id":"3"}}`, "invalid_type", "recipients.rep_id"},
		{"string flag", `{"title":"x","sms_text":"a","recipients":{"has_mobile":"yes"}}`, "invalid_type", "recipients.has_mobile"},
		{"NUL in the filter", `{"title":"x","sms_text":"a","recipients":{"q":"a\u0000"}}`, "invalid_text", "recipients.q"},
		{"long filter", `{"title":"x","sms_text":"a","recipients":{"q":"` + strings.Repeat("长", 201) + `"}}`, "validation_failed", "recipients.q"},
		{"number time", `{"title":"x","sms_text":"a","scheduled_at":1767225600,"recipients":{}}`, "invalid_type", "scheduled_at"},
		{"bad time", `{"title":"x","sms_text":"a","scheduled_at":"tomorrow 9am","recipients":{}}`, "validation_failed", "scheduled_at"},
		{"too many topics", `{"title":"x","sms_text":"a","topic_ids":[` + ids(101) + `],"recipients":{}}`, "validation_failed", "topic_ids"},
		{"string topic", `{"title":"x","sms_text":"a","topic_ids":["1"],"recipients":{}}`, "invalid_type", "topic_ids"},
		{"NUL in the text", `{"title":"x","sms_text":"a\u0000","recipients":{}}`, "invalid_text", "sms_text"},
		{"sms as object", `{"title":"x","sms_text":{"text":"a"},"recipients":{}}`, "invalid_type", "sms_text"},
		{"unknown field", `{"title":"x","sms_text":"a","recipients":{},"contacts":[1]}`, "unknown_field", "contacts"},
	}
	create := []tc{
		{"channels belong to the preview", `{"title":"x","sms_text":"a","recipients":{},"channels":["sms"]}`, "unknown_field", "channels"},
		{"no title", `{"sms_text":"a","recipients":{}}`, "validation_failed", "title"},
		{"no content", `{"title":"x","recipients":{}}`, "validation_failed", "channels"},
		{"bad merge field", `{"title":"x","sms_text":"{{contact.age}}","recipients":{}}`, "validation_failed", "sms_text"},
		{"subject without body", `{"title":"x","email_subject":"s","recipients":{}}`, "validation_failed", "email_body"},
		{"in the past", `{"title":"x","sms_text":"a","scheduled_at":"` + past + `","recipients":{}}`, "validation_failed", "scheduled_at"},
		{"unknown topic", `{"title":"x","sms_text":"a","topic_ids":[999999],"recipients":{}}`, "validation_failed", "topic_ids"},
		{"reaches nobody", `{"title":"x","sms_text":"a","recipients":{"q":"no such customer"}}`, "validation_failed", "recipients"},
		{"ticks nobody visible", `{"title":"x","sms_text":"a","recipients":{"contact_ids":[999999]}}`, "validation_failed", "recipients"},
	}
	preview := []tc{
		{"unknown channel", `{"channels":["fax"],"recipients":{}}`, "validation_failed", "channels"},
		{"no channel", `{"channels":[],"recipients":{}}`, "validation_failed", "channels"},
		{"string channels", `{"channels":"sms","recipients":{}}`, "invalid_type", "channels"},
	}
	bots := []tc{
		{"number provider", `{"provider":5}`, "invalid_type", "provider"},
		{"unknown provider", `{"provider":"slack","url":"https://hooks.slack.com/x"}`, "validation_failed", "provider"},
		{"not the vendor's host", `{"provider":"wecom","url":"https://evil.example/cgi-bin/webhook/send?key=k"}`, "validation_failed", "url"},
		{"no url", `{"provider":"wecom"}`, "validation_failed", "url"},
		{"string flag", `{"provider":"wecom","enabled":"true"}`, "invalid_type", "enabled"},
		{"unknown field", `{"provider":"wecom","webhook":"x"}`, "unknown_field", "webhook"},
		{"NUL", `{"provider":"wecom","url":"\u0000"}`, "invalid_text", "url"},
	}
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		adm := bearer(e.token(t, admin))
		x := e.customer(t, &model.Customer{Name: "X Corp", Code: "X"})
		e.contact(t, &model.Contact{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678"})
		state := func() string {
			return counts(t, s) + dump(t, s, `SELECT * FROM bulk_sends ORDER BY id`) +
				dump(t, s, `SELECT id, status FROM bulk_recipients ORDER BY id`) + dump(t, s, `SELECT * FROM bot_webhooks ORDER BY id`)
		}
		check := func(method, path string, c tc) {
			t.Helper()
			before := state()
			r := e.do(t, method, path, c.body, adm)
			code, field := r.errCode(t)
			if r.status != http.StatusBadRequest || code != c.code || field != c.field {
				t.Errorf("%s %s %s: %d %s field %q, want 400 %s field %q\n%.300s", method, path, c.name, r.status, code, field,
					c.code, c.field, r.body)
			}
			if after := state(); after != before {
				t.Errorf("%s %s %s: data changed", method, path, c.name)
			}
		}
		for _, c := range append(append([]tc{}, shared...), both...) {
			check("POST", "bulk-sends", c)
			check("POST", "bulk-sends/preview", c)
		}
		for _, c := range create {
			check("POST", "bulk-sends", c)
		}
		for _, c := range preview {
			check("POST", "bulk-sends/preview", c)
		}
		for _, c := range append(append([]tc{}, shared...), bots...) {
			c.body, c.field = strings.Replace(c.body, `"title"`, `"provider"`, 1), strings.Replace(c.field, "title", "provider", 1)
			check("PUT", "me/bot-webhook", c)
			check("PUT", "settings/bot-webhook", c)
		}
		// The same bodies, well formed, are accepted.
		if r := e.do(t, "POST", "bulk-sends", `{"title":"x","sms_text":"a","topic_ids":[],"scheduled_at":null,"recipients":{}}`, adm); r.status != 201 {
			t.Errorf("a valid send: %v", r)
		}
		if r := e.do(t, "POST", "bulk-sends/preview", `{"channels":["email","email"],"recipients":{"has_email":true}}`, adm); r.status != 200 ||
			len(r.json(t)["channels"].([]any)) != 1 {
			t.Errorf("a valid preview: %v", r)
		}
		if r := e.do(t, "GET", fmt.Sprintf("bulk-sends/%d/recipients?status=lost", 1), nil, adm); r.status != 400 {
			t.Errorf("an unknown status: %v", r)
		}
	})
}
