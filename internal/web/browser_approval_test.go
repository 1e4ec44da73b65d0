package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserBulkApproval walks a rep's large marketing SMS send through
// approval in a real browser. The review (the dry run) shows the two
// contacts a marketing SMS reached today as over the frequency cap, the
// recipients held for quiet hours and the estimated cost; sending without
// ticking the confirmation is refused; confirmed, the send waits for
// approval and sends nothing. The rep's manager finds it from the bell's
// notification and approves it with a comment; the send then starts (its
// recipients held until the window opens) and the rep is notified.
func TestBrowserBulkApproval(t *testing.T) {
	b := browser.New(t, browser.WithTimeout(120*time.Second))
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	e.agent1.Language, e.agent1.Timezone = "en", "Asia/Shanghai"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	lead := e.user("lead", model.RoleAgent, e.agent1.TeamID)
	lead.Language, lead.Timezone = "en", "Asia/Shanghai"
	must(t, e.store.UpdateUser(ctx, lead))
	team, err := e.store.TeamByID(ctx, *e.agent1.TeamID)
	must(t, err)
	team.ManagerID = &lead.ID
	must(t, e.store.UpdateTeam(ctx, team))
	e.smsWebhook("")
	wang := e.contactNamed(e.acme.ID, "王小明")
	var more []*model.Contact
	for i := range 6 {
		c := &model.Contact{CustomerID: e.acme.ID, Name: fmt.Sprintf("客户联系人%d", i+1), Mobile: fmt.Sprintf("+861370000010%d", i)}
		must(t, e.store.CreateContact(ctx, c))
		more = append(more, c)
	}
	st := model.DefaultSettings()
	st.Visibility = model.VisibilityOwn
	st.QuietHours = model.QuietHours{}
	st.Prices = map[string]model.Money{model.PriceKey(model.ChannelSMS, "webhook"): 50_000} // 0.05 元
	st.ConfirmAbove, st.ApproveAbove = 3, 4
	must(t, e.store.SaveSettings(ctx, st))
	e.startWorkers(t)

	// Earlier today a marketing SMS of the admin's reached 王小明 and the
	// first new contact.
	earlier, err := e.app.Bulk.Create(ctx, permission.Policy{UserID: e.admin.ID, Admin: true}, e.admin, bulk.Input{Title: "会员日", Marketing: true, SMSText: "会员日快乐，回复R退订",
		Recipients: storage.RecipientSelection{ContactIDs: []int64{wang.ID, more[0].ID}}})
	must(t, err)
	waitStatus(t, e, earlier.ID, model.BulkDone)

	// Marketing SMS may go out only in a window that opens in two hours.
	sh := mustZone(t, "Asia/Shanghai")
	now := time.Now().In(sh)
	opens, closes := now.Add(2*time.Hour).Format("15:04"), now.Add(3*time.Hour).Format("15:04")
	st.QuietHours.SMSMarketing = model.QuietWindow{Start: opens, End: closes}
	must(t, e.store.SaveSettings(ctx, st))

	e.logIn(b, "agent1")
	b.WaitVisible("#home-stats")
	b.Click("#nav-bulk-new")
	b.WaitVisible("#bulk-wizard #f-title")
	b.Settled()
	b.Fill("#f-title", "Year-end offer")
	b.Fill("#f-sms_text", "{{contact.name}}，年终特惠八折，回复R退订")
	b.Check("#f-sms_marketing", true)
	b.WaitText("#sms-counter", "1 segment")
	b.Click("#to-recipients")
	b.WaitVisible("#recipient-table")
	b.Settled()
	b.Fill("#rf-q", "acme")
	b.WaitText("#match-count", "8 match")
	b.Settled()
	b.Click("#select-all-matching")
	b.Settled()
	b.Click("#to-review")

	// The dry run: 8 contacts, 1 opted out, 2 over the cap, 5 to send,
	// all held until the window opens, ¥0.25; approval and confirmation.
	b.WaitVisible("#review-channels")
	b.Settled()
	for sel, want := range map[string]string{"#review-sms-send": "5", "#review-sms-skip": "3",
		"#review-sms-reasons": "Frequency cap reached", "#review-sms-held": "5", "#review-sms-cost": "¥0.25",
		"#review-cost": "¥0.25", "#review-approval": "needs approval", "#send-bulk": "Submit for approval (5 messages)",
		"#step-review .confirm-send": "send 5 messages, estimated cost ¥0.25"} {
		if got := b.Text(sel); !strings.Contains(got, want) {
			t.Errorf("%s says %q, want %q", sel, got, want)
		}
	}
	if got := b.Text(`#review-sms-reasons [data-reason="frequency_capped"] b`); got != "2" {
		t.Errorf("%s capped, want 2", got)
	}
	if got := b.Text("#review-sms-reasons"); !strings.Contains(got, "held") && !strings.Contains(b.Text("#review-sms"), opens) {
		t.Errorf("the review does not say the held go out at %s: %q", opens, b.Text("#review-sms"))
	}
	b.Shot("approval-review")

	// Without the confirmation ticked the send is refused, nothing stored.
	b.Click("#send-bulk")
	b.WaitVisible("#step-review .confirm-send.has-error")
	b.Settled()
	if n := len(e.bulkSends()); n != 1 {
		t.Fatalf("%d sends stored after an unconfirmed send, want only the earlier one", n)
	}
	b.Check("#f-confirm", true)
	b.Click("#send-bulk")
	b.WaitVisible("#bulk-approval")
	b.Settled()
	if got := b.Text("#bulk-status"); got != "Awaiting approval" {
		t.Errorf("the submitted send is %q", got)
	}
	if b.Count("#approval-form") != 0 {
		t.Error("the rep is offered to approve their own send")
	}
	sends := e.bulkSends()
	waiting := sends[0]
	if waiting.Status != model.BulkAwaitingApproval || waiting.EstimatedCost != 250_000 || waiting.EstimatedMessages != 5 {
		t.Fatalf("stored send: %s, estimated %s", waiting.Status, waiting.EstimatedCost)
	}
	b.Shot("approval-waiting")
	b.Click("#user-menu summary")
	b.Click("#logout")
	b.WaitVisible("form#login")

	// The manager: the bell, the notification, the send, approve.
	e.logIn(b, "lead")
	b.WaitVisible("#home-stats")
	b.Settled()
	b.WaitText("#bell-count", "1")
	b.Click("#bell")
	b.WaitVisible("#notification-list")
	if got := b.Text("#notification-list"); !strings.Contains(got, "Approval needed: Year-end offer") ||
		!strings.Contains(got, "5 messages, estimated cost ¥0.25") {
		t.Errorf("the manager's notification: %q", got)
	}
	b.Click("#notification-list .notification-title")
	b.WaitVisible("#approval-form")
	b.Settled()
	if got := b.Text("#bulk-approval"); !strings.Contains(got, "5 messages") || !strings.Contains(got, "¥0.25") {
		t.Errorf("the approval panel says %q", got)
	}
	b.Fill("#f-comment", "同意，注意退订提示")
	b.Shot("approval-decide")
	b.Click("#approve-bulk")
	b.WaitVisible("#bulk-approval.alert-success")
	b.Settled()
	b.WaitText("#bulk-approval", "Approved by Lead")
	b.WaitText("#progress-text", opens)
	cur, err := e.app.Bulk.Get(ctx, permission.Policy{Admin: true}, waiting.ID)
	must(t, err)
	if cur.Status != model.BulkRunning || cur.Approval.Comment != "同意，注意退订提示" || cur.Counts.Sent != 0 {
		t.Errorf("approved send: %s %+v %+v", cur.Status, cur.Approval, cur.Counts)
	}
	b.Shot("approval-approved")

	// The rep hears of it.
	list, err := e.app.Notify.List(ctx, e.agent1.ID, storage.NotificationFilter{Limit: 10})
	must(t, err)
	found := false
	for _, n := range list {
		found = found || n.Kind == model.NotifyBulkDecided && strings.Contains(n.Title, "Approved: Year-end offer") && strings.Contains(n.Body, "Lead")
	}
	if !found {
		t.Errorf("the rep was not told of the approval: %+v", list)
	}
	for _, line := range b.Console() {
		// The unconfirmed send was refused with a 400 on purpose.
		if strings.HasPrefix(line, "error") && !strings.Contains(line, "status of 400 (Bad Request) (http://127.0.0.1") {
			t.Errorf("browser console: %s", line)
		}
	}
}

// waitStatus waits until the send reaches status.
func waitStatus(t *testing.T, e *env, id int64, status string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := e.app.Bulk.Get(context.Background(), permission.Policy{Admin: true}, id)
		must(t, err)
		if b.Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("send %d is %s, want %s", id, b.Status, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
