package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestBulkLimitsInTheDrillDown: a second marketing SMS the same day skips
// the contact over the frequency cap, and the drill-down of the skipped
// says why; a send over the approval limit, rejected by the admin, shows
// its recipients skipped as rejected and the comment on its page.
func TestBulkLimitsInTheDrillDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		st := model.DefaultSettings()
		st.Visibility, st.QuietHours = model.VisibilityOwn, model.QuietHours{}
		e.settings(st)
		e.startWorkers(t)
		agent := e.signedIn(t, e.agent1)
		marketing := wizard(url.Values{"ticked": {ids(f.wang)}, "sms_marketing": {"1"}})
		first := created(t, agent.post("/bulk", marketing))
		waitStatus(t, e, first, model.BulkDone)
		second := created(t, agent.post("/bulk", marketing))
		waitStatus(t, e, second, model.BulkDone)
		page := agent.get(fmt.Sprintf("/bulk/%d?status=skipped", second))
		if !strings.Contains(page.body, "已达发送频次上限") || !strings.Contains(page.body, "王小明") {
			t.Errorf("the drill-down of the capped send lacks the reason:\n%s", page.body)
		}

		st.ApproveAbove = 1
		e.settings(st)
		// An SMS and an e-mail to 王小明: two messages, over the limit of one.
		two := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li)}, "channels": {"sms", "email"},
			"email_subject": {"续费提醒"}, "email_body": {"您好"}})))
		if b, err := e.app.Bulk.Get(context.Background(), permission.Policy{Admin: true}, two); err != nil || b.Status != model.BulkAwaitingApproval {
			t.Fatalf("a send over the approval limit: %+v %v", b, err)
		}
		admin := e.signedIn(t, e.admin)
		if res := admin.post(fmt.Sprintf("/bulk/%d/reject", two), url.Values{"comment": {""}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, `id="f-comment"`) {
			t.Fatalf("a rejection without comment: %d", res.status)
		}
		if res := admin.post(fmt.Sprintf("/bulk/%d/reject", two), url.Values{"comment": {"本月已发过，勿重复"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reject: %d", res.status)
		}
		page = agent.get(fmt.Sprintf("/bulk/%d?status=skipped", two))
		for _, want := range []string{"已驳回", "本月已发过，勿重复", "审批未通过"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the rejected send's page lacks %q", want)
			}
		}
	})
}
