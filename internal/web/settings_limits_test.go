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

// TestSendLimitsSettingsForm: the page shows the default frequency caps
// and a price for each channel's provider; a cap of 0 messages or a price
// that is not an amount is refused naming its field, nothing saved; a
// valid form saves the caps (the empty row dropped), the prices and the
// thresholds; a form without these sections keeps them.
func TestSendLimitsSettingsForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		must(t, s.SaveSettings(ctx, model.DefaultSettings()))
		admin := e.signedIn(t, e.admin)
		page := admin.get("/admin/settings")
		for _, want := range []string{`name="frequency_caps.0.max" id="f-frequency_caps.0.max" value="1"`,
			`name="frequency_caps.1.hours" id="f-frequency_caps.1.hours" value="720"`, `name="price.sms/outbox"`, "发送频次上限", "费用与审批"} {
			if !strings.Contains(page.body, want) {
				t.Fatalf("settings page lacks %s", want)
			}
		}
		form := url.Values{"visibility": {"team"}, "default_region": {"CN"}, "opt_out_keywords": {"退订"}, "time_zone": {"Asia/Shanghai"},
			"frequency_caps": {"1"}, "prices": {"1"},
			"frequency_caps.0.channel": {"sms"}, "frequency_caps.0.kind": {"marketing"}, "frequency_caps.0.max": {"0"}, "frequency_caps.0.hours": {"24"},
			"frequency_caps.1.channel": {"email"}, "frequency_caps.1.kind": {"service"}, "frequency_caps.1.max": {"3"}, "frequency_caps.1.hours": {"168"},
			"frequency_caps.2.channel": {"sms"}, "frequency_caps.2.kind": {"marketing"}, "frequency_caps.2.max": {""}, "frequency_caps.2.hours": {""},
			"price.sms/outbox": {"0.045"}, "price.email/outbox": {"一毛"},
			"confirm_above": {"500"}, "approve_above": {"2000"}, "approve_cost": {"100"}}
		res := admin.post("/admin/settings", form)
		st, _ := s.Settings(ctx)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="f-frequency_caps.0.max"`) ||
			strings.Count(res.body, "超出允许范围") < 2 || len(st.FrequencyCaps) != 2 || len(st.Prices) != 0 {
			t.Fatalf("bad cap and price: %d, stored %+v %v", res.status, st.FrequencyCaps, st.Prices)
		}
		form.Set("frequency_caps.0.max", "2")
		form.Set("price.email/outbox", "0.001")
		if res := admin.post("/admin/settings", form); res.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.status, res.body)
		}
		st, _ = s.Settings(ctx)
		wantCaps := []model.FrequencyCap{{Channel: "sms", Marketing: true, Max: 2, Hours: 24}, {Channel: "email", Max: 3, Hours: 168}}
		if len(st.FrequencyCaps) != 2 || st.FrequencyCaps[0] != wantCaps[0] || st.FrequencyCaps[1] != wantCaps[1] ||
			st.Prices["sms/outbox"] != 45_000 || st.Prices["email/outbox"] != 1_000 ||
			st.ConfirmAbove != 500 || st.ApproveAbove != 2000 || st.ApproveCost != 100*model.Yuan {
			t.Fatalf("stored %+v %v %d %d %s", st.FrequencyCaps, st.Prices, st.ConfirmAbove, st.ApproveAbove, st.ApproveCost)
		}
		// Another form of the page (without these sections) keeps them.
		if res := admin.post("/admin/settings", url.Values{"visibility": {"own"}, "default_region": {"CN"},
			"opt_out_keywords": {"退订"}, "time_zone": {"Asia/Shanghai"}}); res.status != http.StatusSeeOther {
			t.Fatalf("save without the limits: %d", res.status)
		}
		if kept, _ := s.Settings(ctx); len(kept.FrequencyCaps) != 2 || len(kept.Prices) != 2 || kept.ApproveCost != st.ApproveCost {
			t.Fatalf("limits lost: %+v", kept)
		}
	})
}
