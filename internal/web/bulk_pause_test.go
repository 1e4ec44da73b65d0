package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestBulkPausedShownAndResumed: a send that paused itself says why on its
// page and offers to resume; resuming runs it again; a running send offers
// to pause, and pausing it by hand says so.
func TestBulkPausedShownAndResumed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		f := e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li)}})))
		page := agent.get(fmt.Sprintf("/bulk/%d", id))
		if !strings.Contains(page.body, `id="pause-bulk"`) || strings.Contains(page.body, `id="resume-bulk"`) {
			t.Fatal("a running send does not offer to pause")
		}
		ok, err := s.PauseBulkSend(ctx, id, model.Pause{Reason: model.PauseFailureRate, Detail: "invalid_mobile", FailedPercent: 62, At: time.Now()})
		if err != nil || !ok {
			t.Fatalf("pause: %v %v", ok, err)
		}
		page = agent.get(fmt.Sprintf("/bulk/%d", id))
		for _, want := range []string{"失败率过高，已自动暂停", "失败 62%，主要原因：手机号码无效", `id="resume-bulk"`, "已暂停"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("paused page lacks %q", want)
			}
		}
		if res := agent.post(fmt.Sprintf("/bulk/%d/resume", id), url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("resume: %d", res.status)
		}
		if b, _ := s.BulkSendByID(ctx, permission.Policy{Admin: true}, id); b.Status != model.BulkRunning {
			t.Fatalf("after resume: %s", b.Status)
		}
		if res := agent.post(fmt.Sprintf("/bulk/%d/resume", id), url.Values{}); res.status != http.StatusConflict {
			t.Fatalf("resume of a running send: %d", res.status)
		}
		if res := agent.post(fmt.Sprintf("/bulk/%d/pause", id), url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("pause: %d", res.status)
		}
		page = agent.get(fmt.Sprintf("/bulk/%d", id))
		if !strings.Contains(page.body, "已手动暂停") || strings.Contains(page.body, "主要原因") {
			t.Fatal("a send paused by hand does not say so")
		}
	})
}
