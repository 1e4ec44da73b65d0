package notify

import (
	"strconv"
	"testing"
	"time"

	"touchbase/internal/model"
)

// The operator's notification of a send that paused itself says why, in
// their language, and each pause is told once.
func TestPausedMessage(t *testing.T) {
	at := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	b := &model.BulkSend{ID: 7, Title: "双十一", CanarySize: 60}
	for _, c := range []struct {
		pause      model.Pause
		lang, body string
	}{
		{model.Pause{Reason: model.PauseCanary, Detail: "invalid_mobile", FailedPercent: 50, At: at}, "zh-CN",
			"先行试发的 60 条中有 50% 失败，主要原因：手机号码无效。其余收件人暂未发送，请检查后继续发送或取消。"},
		{model.Pause{Reason: model.PauseFailureRate, Detail: "blocked", FailedPercent: 62, At: at}, "en",
			"62% of the latest messages failed, mostly: Recipient unsubscribed or is blocked. Check, then resume or cancel."},
		{model.Pause{Reason: model.PauseProvider, Detail: "quota_exceeded", At: at}, "zh-CN", "服务商拒绝发送："},
	} {
		b.Pause = &c.pause
		m := pausedMessage(c.lang, b)
		if m.Kind != model.NotifyBulkPaused || m.Link != "/bulk/7" || len(m.Body) < len(c.body) || m.Body[:len(c.body)] != c.body {
			t.Errorf("%s %s: %q", c.pause.Reason, c.lang, m.Body)
		}
		if m.DedupeKey != "bulk_paused:7:"+itoa(at.UnixMilli()) {
			t.Errorf("dedupe key %q", m.DedupeKey)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A rep's WeCom message that did not go is told with its reason in their
// language, a cut of its text, and the open plan it served to link to.
func TestWeComUnsentMessage(t *testing.T) {
	cust, plan := int64(3), int64(9)
	d := &model.Delivery{ID: 5, CustomerID: &cust, Reason: model.SkipWeComNotConfirmed, Body: "王小明您好，您的服务将于下月到期，请及时续费。"}
	m := unsentMessage("zh-CN", d, &plan)
	if m.Kind != model.NotifyWeComUnsent || m.Title != "企业微信消息未发出：王小明您好，您的服务将于下月到期，请及时…" ||
		m.Body != "原因：发送人未确认。未记入联系记录，可重新联系客户。对应的联系计划仍未完成。" || m.Link != "/plans/9" || m.DedupeKey != "wecom_unsent:5" {
		t.Errorf("zh-CN: %+v", m)
	}
	d.Reason = model.SkipWeComNotFriend
	m = unsentMessage("en", d, nil)
	if m.Body != "Reason: No longer the sender's customer. Nothing was recorded; you can contact the customer again." || m.Link != "/customers/3" {
		t.Errorf("en: %+v", m)
	}
}
