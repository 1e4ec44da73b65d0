package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestSingleContactQuietHoursOverride: with service SMS limited to a
// window that opens in two hours, the dialog's preview warns that the
// contact is in quiet hours; sending without a reason is refused on that
// field and sends nothing; with a reason it is sent and the record page
// shows the reason.
func TestSingleContactQuietHoursOverride(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(sh)
		st := model.Settings{Visibility: model.VisibilityOwn, DefaultRegion: "CN"}
		st.QuietHours.SMSService = model.QuietWindow{Start: now.Add(2 * time.Hour).Format("15:04"), End: now.Add(3 * time.Hour).Format("15:04")}
		e.settings(st)
		wang := e.contactNamed(e.acme.ID, "王小明")
		dialog := fmt.Sprintf("/customers/%d/contact", e.acme.ID)
		send := url.Values{"contact_id": {fmt.Sprint(wang.ID)}, "title": {"工单回访"}, "channels": {"sms"}, "sms_text": {"您好，您的工单已处理"}}
		agent := e.signedIn(t, e.agent1)

		res := agent.postHTMX(dialog+"/preview", send)
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="quiet-sms"`) || !strings.Contains(res.body, "免打扰时段") {
			t.Fatalf("preview lacks the quiet-hours warning: %d\n%s", res.status, res.body)
		}
		res = agent.postHTMX(dialog, send)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "对方处于免打扰时段") || len(e.records())+len(e.outbox()) != 0 {
			t.Fatalf("send without a reason: %d, %d records", res.status, len(e.records()))
		}
		send.Set("quiet_hours_override", "客户要求今晚回复")
		if res := agent.postHTMX(dialog, send); res.status != http.StatusOK || !strings.Contains(res.body, `id="single-contact-done"`) {
			t.Fatalf("send with a reason: %d", res.status)
		}
		recs := e.records()
		if len(recs) != 1 || recs[0].QuietOverride != "客户要求今晚回复" {
			t.Fatalf("records: %+v", recs)
		}
		if page := agent.get(fmt.Sprintf("/records/%d", recs[0].ID)); !strings.Contains(page.body, `id="record-quiet-override">客户要求今晚回复`) {
			t.Error("the record page lacks the reason")
		}
	})
}
