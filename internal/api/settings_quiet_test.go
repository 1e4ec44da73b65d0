package api

import (
	"context"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestQuietHoursSettingsAPI: the defaults hold marketing SMS to 08:00–21:00
// in Asia/Shanghai; a PATCH changes one window and the time zone; a bad
// window or zone is a 400 naming its field and changes nothing.
func TestQuietHoursSettingsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		adm := bearer(e.token(t, e.user(t, "boss", model.RoleAdmin, nil)))
		r := e.do(t, "GET", "settings", nil, adm)
		qh, _ := r.json(t)["quiet_hours"].(map[string]any)
		sm, _ := qh["sms_marketing"].(map[string]any)
		if r.status != 200 || sm["start"] != "08:00" || sm["end"] != "21:00" || r.json(t)["time_zone"] != "Asia/Shanghai" {
			t.Fatalf("default settings: %d %s", r.status, r.body)
		}
		r = e.do(t, "PATCH", "settings", `{"quiet_hours":{"email_marketing":{"start":"09:30","end":"20:00"}},"time_zone":"Asia/Hong_Kong"}`, adm)
		if r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		st, err := s.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := model.QuietHours{SMSMarketing: model.QuietWindow{Start: "08:00", End: "21:00"},
			EmailMarketing: model.QuietWindow{Start: "09:30", End: "20:00"}}
		if st.QuietHours != want || st.TimeZone != "Asia/Hong_Kong" {
			t.Fatalf("stored %+v %s", st.QuietHours, st.TimeZone)
		}
		before := counts(t, s) + dump(t, s, `SELECT key, value FROM settings ORDER BY key`)
		for _, c := range []struct{ body, field, code string }{
			{`{"quiet_hours":{"sms_marketing":{"start":"8am","end":"21:00"}}}`, "quiet_hours.sms_marketing.start", "invalid_time"},
			{`{"quiet_hours":{"sms_service":{"start":"08:00","end":"25:00"}}}`, "quiet_hours.sms_service.end", "invalid_time"},
			{`{"quiet_hours":{"email_service":{"start":"08:00"}}}`, "quiet_hours.email_service", "incomplete"},
			{`{"quiet_hours":{"sms_marketing":{"start":"08:00","end":"08:00"}}}`, "quiet_hours.sms_marketing", "empty_window"},
			{`{"time_zone":"Mars/Olympus"}`, "time_zone", "invalid_timezone"},
			{`{"quiet_hours":{"sms_weekend":{"start":"08:00","end":"09:00"}}}`, "", ""},
		} {
			r := e.do(t, "PATCH", "settings", c.body, adm)
			code, field := r.errCode(t)
			if r.status != 400 || c.field != "" && (field != c.field || code != "validation_failed") {
				t.Errorf("%s: %d %s", c.body, r.status, r.body)
			}
			if c.code != "" {
				fe, _ := r.json(t)["error"].(map[string]any)["fields"].([]any)
				if len(fe) == 0 || fe[0].(map[string]any)["code"] != c.code {
					t.Errorf("%s: fields %v, want code %s", c.body, fe, c.code)
				}
			}
		}
		if after := counts(t, s) + dump(t, s, `SELECT key, value FROM settings ORDER BY key`); after != before {
			t.Fatalf("a refused PATCH changed data:\n%s\n%s", before, after)
		}
		// "Any time" is both ends empty.
		r = e.do(t, "PATCH", "settings", `{"quiet_hours":{"sms_marketing":{"start":"","end":""}}}`, adm)
		if st, _ := s.Settings(context.Background()); r.status != 200 || !st.QuietHours.SMSMarketing.AnyTime() {
			t.Fatalf("any time: %d %s", r.status, r.body)
		}
	})
}
