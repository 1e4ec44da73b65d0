package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestQuietHoursSettingsForm: the page shows the default window of
// marketing SMS; a bad time is refused with the field's message and
// nothing saved; ticked windows are saved, unticked ones are any time.
func TestQuietHoursSettingsForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		must(t, s.SaveSettings(ctx, model.DefaultSettings()))
		admin := e.signedIn(t, e.admin)
		page := admin.get("/admin/settings")
		if !strings.Contains(page.body, `name="quiet_hours.sms_marketing.start" id="f-quiet_hours.sms_marketing.start" value="08:00"`) ||
			!strings.Contains(page.body, "免打扰时段") || !strings.Contains(page.body, `value="Asia/Shanghai"`) {
			t.Fatalf("settings page lacks the default quiet hours")
		}
		form := url.Values{"visibility": {"team"}, "default_region": {"CN"}, "opt_out_keywords": {"退订"}, "time_zone": {"Asia/Shanghai"},
			"quiet_hours.sms_marketing.limited": {"on"}, "quiet_hours.sms_marketing.start": {"08:00"}, "quiet_hours.sms_marketing.end": {"21:00"},
			"quiet_hours.email_marketing.limited": {"on"}, "quiet_hours.email_marketing.start": {"9:00"}, "quiet_hours.email_marketing.end": {"20:00"}}
		res := admin.post("/admin/settings", form)
		st, _ := s.Settings(ctx)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "请按 HH:MM 填写时间") || st.QuietHours != model.DefaultQuietHours() {
			t.Fatalf("bad time: %d, stored %+v", res.status, st.QuietHours)
		}
		form.Set("quiet_hours.email_marketing.start", "09:00")
		form.Set("time_zone", "Asia/Hong_Kong")
		if res := admin.post("/admin/settings", form); res.status != http.StatusSeeOther {
			t.Fatalf("save: %d", res.status)
		}
		st, _ = s.Settings(ctx)
		want := model.QuietHours{SMSMarketing: model.QuietWindow{Start: "08:00", End: "21:00"},
			EmailMarketing: model.QuietWindow{Start: "09:00", End: "20:00"}}
		if st.QuietHours != want || st.TimeZone != "Asia/Hong_Kong" {
			t.Fatalf("stored %+v %s", st.QuietHours, st.TimeZone)
		}
	})
}
