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
