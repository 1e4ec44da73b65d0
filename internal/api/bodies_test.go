package api

import (
	"net/http"
	"strings"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestMalformedContactBodies feeds broken bodies to every endpoint of
// single contact, records and channels: each is a 400 naming the field,
// and nothing changes.
func TestMalformedContactBodies(t *testing.T) {
	t.Parallel()
	huge := `{"title":"` + strings.Repeat("a", maxBody) + `"}`
	shared := []struct{ name, body, code, field string }{
		{"empty", "", "empty_body", ""},
		{"null", "null", "invalid_json", ""},
		{"array", `[{"title":"x"}]`, "invalid_json", ""},
		{"truncated", `{"title":"x"`, "invalid_json", "title"},
		{"trailing data", `{"title":"x"} {}`, "invalid_json", ""},
		{"invalid UTF-8", "{\"title\":\"\xff\"}", "invalid_utf8", "title"},
		{"huge body", huge, "body_too_large", ""},
	}
	single := []struct{ name, body, code, field string }{
		{"number for text", `{"title":"x","sms":{"text":5}}`, "invalid_type", "sms.text"},
		{"string for channel", `{"title":"x","sms":"hello"}`, "invalid_type", "sms"},
		{"array for channel", `{"title":"x","email":["s","b"]}`, "invalid_type", "email"},
		{"unknown member of a channel", `{"title":"x","sms":{"txt":"a"}}`, "unknown_field", "txt"},
		{"contact_id belongs in the path", `{"title":"x","contact_id":1,"sms":{"text":"a"}}`, "unknown_field", "contact_id"},
		{"channels is not a field", `{"title":"x","channels":["sms"]}`, "unknown_field", "channels"},
		{"string topic", `{"title":"x","topic_ids":["1"],"sms":{"text":"a"}}`, "invalid_type", "topic_ids"},
		{"fraction topic", `{"title":"x","topic_ids":[1.5],"sms":{"text":"a"}}`, "invalid_type", "topic_ids"},
		{"string plan", `{"title":"x","plan_id":"7","sms":{"text":"a"}}`, "invalid_type", "plan_id"},
		{"NUL in a channel", `{"title":"x","email":{"subject":"s","body":"a\u0000b"}}`, "invalid_text", "email.body"},
		{"NUL in the title", `{"title":"\u0000","sms":{"text":"a"}}`, "invalid_text", "title"},
		{"truncated channel", `{"title":"x","sms":{"text":"a"`, "invalid_json", "sms"},
		{"too many topics", `{"title":"x","topic_ids":[` + strings.Repeat("1,", 100) + `1],"sms":{"text":"a"}}`, "validation_failed", "topic_ids"},
	}
	manual := []struct{ name, body, code, field string }{
		{"string id", `{"contact_id":"1","channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x"}`, "invalid_type", "contact_id"},
		{"number time", `{"contact_id":1,"channel":"phone","contacted_at":1748772000,"title":"x"}`, "invalid_type", "contacted_at"},
		{"unknown field", `{"contact_id":1,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x","source":"bulk"}`, "unknown_field", "source"},
		{"NUL", `{"contact_id":1,"channel":"phone","contacted_at":"2025-06-01T10:00:00Z","title":"x","summary":"\u0000"}`, "invalid_text", "summary"},
	}
	channels := []struct{ name, body, code, field string }{
		{"number provider", `{"provider":5}`, "invalid_type", "provider"},
		{"array config", `{"provider":"webhook","config":[]}`, "invalid_type", "config"},
		{"string config", `{"provider":"webhook","config":"url=x"}`, "invalid_type", "config"},
		{"unknown config field", `{"provider":"webhook","config":{"uri":"https://x.example"}}`, "unknown_field", "config.uri"},
		{"string rate", `{"provider":"outbox","rate_limit":"5"}`, "invalid_type", "rate_limit"},
		{"fraction rate", `{"provider":"outbox","rate_limit":0.5}`, "invalid_type", "rate_limit"},
		{"unknown field", `{"provider":"outbox","secret":"x"}`, "unknown_field", "secret"},
		{"truncated config", `{"provider":"webhook","config":{"url":`, "invalid_json", "config"},
	}
	tests := []struct{ name, body, code, field string }{
		{"number", `{"to":13812345678}`, "invalid_type", "to"},
		{"unknown field", `{"to":"+8613812345678","text":"hi"}`, "unknown_field", "text"},
		{"NUL", `{"to":"\u0000"}`, "invalid_text", "to"},
	}
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newContactWorld(t, s)
		check := func(name, method, path, body, code, field string) {
			t.Helper()
			before := w.state(t)
			r := w.e.do(t, method, path, body, w.adm)
			gotCode, gotField := r.errCode(t)
			if r.status != http.StatusBadRequest || gotCode != code || gotField != field {
				t.Errorf("%s %s %s: %d %s field %q, want 400 %s field %q\n%.300s", method, path, name, r.status, gotCode, gotField, code, field, r.body)
			}
			if after := w.state(t); after != before {
				t.Errorf("%s %s %s: data changed", method, path, name)
			}
		}
		for _, c := range shared {
			check(c.name, "POST", contactPath(w.li), c.body, c.code, c.field)
			check(c.name, "POST", contactPath(w.li)+"/preview", c.body, c.code, c.field)
			check(c.name, "POST", "records", c.body, c.code, c.field)
			for path, name := range map[string]string{"channels/sms": "provider", "channels/email/test": "to"} {
				method := map[string]string{"provider": "PUT", "to": "POST"}[name]
				field := strings.Replace(c.field, "title", name, 1)
				check(c.name, method, path, strings.Replace(c.body, `"title"`, `"`+name+`"`, 1), c.code, field)
			}
		}
		for _, c := range single {
			check(c.name, "POST", contactPath(w.li), c.body, c.code, c.field)
			check(c.name, "POST", contactPath(w.li)+"/preview", c.body, c.code, c.field)
		}
		for _, c := range manual {
			check(c.name, "POST", "records", c.body, c.code, c.field)
		}
		for _, c := range channels {
			check(c.name, "PUT", "channels/sms", c.body, c.code, c.field)
		}
		for _, c := range tests {
			check(c.name, "POST", "channels/sms/test", c.body, c.code, c.field)
		}
	})
}
