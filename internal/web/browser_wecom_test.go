package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
	"touchbase/internal/testutil/fakewecom"
)

// TestBrowserWeComSend: an admin connects WeCom (against the fake), reads
// the members, maps one to a rep and syncs the customers, who are matched
// by the mobile number the rep noted; the rep sends one WeCom message
// from the bulk wizard and sees it wait for their confirmation; the
// member confirms in (simulated) WeCom, and the refreshed page shows it
// sent, with its record on the customer's page.
func TestBrowserWeComSend(t *testing.T) {
	b := browser.New(t, browser.WithTimeout(120*time.Second))
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	for _, u := range []*model.User{e.admin, e.agent1} {
		u.Language = "en"
		must(t, e.store.UpdateUser(ctx, u))
	}
	e.startWorkers(t)
	fake := fakewecom.New(t)
	fake.SetAutoConfirm(time.Second)
	fake.AddMember(fakewecom.Member{UserID: "kefu01", Name: "客服一", Follow: true})
	fake.AddExternal(fakewecom.External{ID: "wmWANG", Name: "王小明", Follows: []fakewecom.Follow{
		{UserID: "kefu01", Remark: "Acme 王经理", RemarkMobiles: []string{"13812345678"}, CreateTime: 1700000000}}})

	e.logIn(b, "admin")
	b.WaitVisible("#home-stats")
	b.Visit(e.srv.URL+"/admin/wecom", "#wecom-form")
	b.Fill("#f-corp_id", fake.CorpID)
	b.Fill("#f-contact_secret", fake.ContactSecret)
	b.Fill("#f-agent_id", strconv.FormatInt(fake.AgentID, 10))
	b.Fill("#f-agent_secret", fake.AgentSecret)
	b.Fill("#f-callback_token", fake.CallbackToken)
	b.Fill("#f-encoding_aes_key", fake.EncodingAESKey)
	b.Click("#wecom-form details.advanced summary")
	b.Fill("#f-base_url", fake.URL)
	b.Click("#wecom-save")
	b.WaitVisible("#wecom-refresh-members")
	b.Settled()
	if got := b.Text("#wecom-status"); !strings.Contains(got, fake.CorpID) {
		t.Fatalf("status after saving: %q", got)
	}
	b.Click("#wecom-refresh-members")
	b.WaitVisible("#wecom-refreshed")
	b.Settled()
	b.Fill("#member-kefu01 select", "Agent1 (agent1)")
	b.Click("#member-kefu01 button")
	b.WaitVisible("#member-kefu01 .small")
	b.Settled()
	b.Click("#wecom-sync")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := e.app.WeCom.Counts(ctx); err == nil && c.Matched == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync did not match 王小明 by the noted mobile")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m, err := e.store.WeComMemberOfUser(ctx, e.agent1.ID); err != nil || m.ID != "kefu01" {
		t.Fatalf("agent1 is mapped to %+v, %v", m, err)
	}
	b.Shot("wecom-connected")
	b.Click("#user-menu summary")
	b.Click("#logout")
	b.WaitVisible("form#login")

	e.logIn(b, "agent1")
	b.WaitVisible("#home-stats")
	b.Click("#nav-bulk-new")
	b.WaitVisible("#bulk-wizard #f-title")
	b.Settled()
	b.Fill("#f-title", "New product")
	b.Check("#ch-sms", false)
	b.Check("#ch-wecom", true)
	b.WaitVisible("#f-wecom_text")
	b.Fill("#f-wecom_text", "新品上市，欢迎咨询。")
	b.WaitText("#preview-wecom", "新品上市")
	b.Click("#to-recipients")
	b.WaitVisible("#recipient-table")
	b.Settled()
	b.Fill("#rf-q", "acme")
	b.Settled()
	b.Check(`#recipient-table input[aria-label*="王小明"]`, true)
	b.Click("#to-review")
	b.WaitVisible("#review-wecom")
	b.Settled()
	if got := b.Text("#review-wecom-send"); got != "1" {
		t.Errorf("the review sends %q WeCom messages, want 1 (Li Lei has no WeChat)", got)
	}
	b.Click("#send-bulk")
	b.WaitVisible("#wecom-tasks")
	b.Settled()
	if got := b.Text("#wecom-tasks"); !strings.Contains(got, "客服一") {
		t.Errorf("the tasks: %q", got)
	}
	b.Shot("wecom-waiting")
	sends := e.bulkSends()
	id := sends[0].ID
	// The member confirms in WeCom a second after the task was created;
	// the rep asks for the results.
	time.Sleep(1500 * time.Millisecond)
	b.Click("#refresh-wecom")
	b.WaitVisible(`#wecom-tasks tr[data-state="sent"]`)
	b.WaitText("#count-sent b", "1")
	b.Shot("wecom-sent")
	done := waitStatusOf(t, e, id, model.BulkDone)
	if done.Counts.Sent != 1 {
		t.Fatalf("counts %+v", done.Counts)
	}
	recs, _, err := e.store.ListRecords(ctx, permission.Policy{Admin: true}, storage.RecordFilter{CustomerID: e.acme.ID})
	must(t, err)
	if len(recs) == 0 || recs[0].Channel != model.ChannelWeCom {
		t.Fatalf("records of Acme: %+v", recs)
	}
	b.Visit(e.srv.URL+"/customers/"+strconv.FormatInt(e.acme.ID, 10), "#timeline")
	if got := b.Text("#timeline"); !strings.Contains(got, "New product") {
		t.Errorf("the customer's records: %q", got)
	}
}

// waitStatusOf waits until a send reaches status and returns it.
func waitStatusOf(t *testing.T, e *env, id int64, status string) *model.BulkSend {
	t.Helper()
	waitStatus(t, e, id, status)
	b, err := e.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
	must(t, err)
	return b
}
