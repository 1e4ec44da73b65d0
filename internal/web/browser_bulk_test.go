package web_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserBulkContact walks an operator through a bulk contact in a real
// browser: the content with a merge field and a schedule a few seconds
// ahead, the recipients ticked in the picker, the review with what will be
// skipped and why, browser back and forward between the steps without
// losing anything, then the send's page following the send live (no
// reload) from scheduled to done, the bell counting the finish
// notification as it arrives, and the drill-down from the failed count to
// the provider's reason. SMS goes to a webhook gateway that refuses one
// number; e-mail to the outbox.
func TestBrowserBulkContact(t *testing.T) {
	b := browser.New(t, browser.WithTimeout(120*time.Second))
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	e.agent1.Language, e.agent1.Timezone = "en", "Asia/Shanghai"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	must(t, e.store.CreateTopic(ctx, &model.Topic{Name: "续费提醒", NameEN: "Renewal reminder", Active: true}))
	refused := "+8613700000009"
	e.smsWebhook(refused)
	wang, li := e.contactNamed(e.acme.ID, "王小明"), e.contactNamed(e.acme.ID, "Li Lei")
	kong := &model.Contact{CustomerID: e.acme.ID, Name: "空号", Mobile: refused, Email: "kong@acme.example"}
	must(t, e.store.CreateContact(ctx, kong))
	e.startWorkers(t)

	e.logIn(b, "agent1")
	b.WaitVisible("#home-stats")
	b.Click("#nav-customers")
	b.WaitVisible("#customer-table")
	b.Click("#nav-bulk-new")
	b.WaitVisible("#bulk-wizard #f-title")
	b.Settled()

	// Step 1: content, previewed for a sample recipient, sent twenty seconds
	// ahead (time enough for the steps up to the send on a loaded machine).
	b.Fill("#f-title", "Renewal reminder")
	b.Check(`#bulk-wizard input[name="topic_ids"]`, true)
	b.Check("#ch-email", true)
	b.Fill("#f-sms_text", "Dear {{contact.name}}, your service is due for renewal.")
	b.WaitText("#preview-sms", "your service is due for renewal.")
	b.WaitText("#sms-counter", "1 segment")
	b.Fill("#f-email_subject", "{{customer.name}}: renewal")
	b.Fill("#f-email_body", "Dear {{contact.name}}, see you soon.")
	b.WaitText("#preview-email-subject", "Acme 贸易: renewal")
	b.Check("#when-later", true)
	at := time.Now().Add(20 * time.Second).In(mustZone(t, "Asia/Shanghai"))
	b.Fill("#f-scheduled_at", at.Format("2006-01-02T15:04:05"))
	b.Shot("bulk-content")
	b.Click("#to-recipients")

	// Step 2: tick three contacts of Acme among everything the rep can see.
	b.WaitVisible("#recipient-table")
	b.Settled()
	b.Fill("#rf-q", "acme")
	b.WaitText("#match-count", "3 match")
	b.Settled()
	// A tick made while the list is reloading survives the reload's answer,
	// which knows nothing of it.
	browser.Eval[bool](b, fmt.Sprintf(`document.getElementById("rf-q").dispatchEvent(new Event("search", {bubbles: true})),
		document.querySelector("#pick-%d .pick-row").click(), true`, wang.ID))
	b.Settled()
	if got := browser.Eval[string](b, `document.getElementById("f-ticked").value`); got != fmt.Sprint(wang.ID) ||
		!browser.Eval[bool](b, fmt.Sprintf(`document.querySelector("#pick-%d .pick-row").checked`, wang.ID)) {
		t.Fatalf("a tick during a reload: ticked %q", got)
	}
	for _, c := range []*model.Contact{wang, li, kong} {
		b.Check(fmt.Sprintf(`#pick-%d .pick-row`, c.ID), true)
	}
	b.WaitText("#ticked-count", "3")
	b.Settled() // the ticks' requests are answered before moving on
	b.Shot("bulk-recipients")
	b.Click("#to-review")

	// Step 3: what will be sent and skipped, and why.
	b.WaitVisible("#review-channels")
	b.Settled()
	for sel, want := range map[string]string{"#review-sms-send": "2", "#review-sms-skip": "1", "#review-email-send": "2",
		"#review-email-skip": "1", "#review-sms-reasons": "Opted out of SMS", "#review-email-reasons": "No e-mail address",
		"#send-bulk": "Schedule 4 messages"} {
		if got := b.Text(sel); !strings.Contains(got, want) {
			t.Errorf("%s says %q, want %q", sel, got, want)
		}
	}
	b.Shot("bulk-review")

	// Browser back and forward move between the steps; nothing is lost.
	browser.Eval[bool](b, `history.back(), true`)
	b.WaitVisible("#step-recipients #recipient-table")
	b.Settled()
	if got := b.Text("#ticked-count"); got != "3" {
		t.Errorf("back on the recipients, %s ticked", got)
	}
	browser.Eval[bool](b, `history.back(), true`)
	b.WaitVisible("#step-content #f-title")
	b.Settled()
	if got := b.Value("#f-title"); got != "Renewal reminder" {
		t.Errorf("back on the content, the title is %q", got)
	}
	browser.Eval[bool](b, `history.forward(), true`)
	b.WaitVisible("#step-recipients #recipient-table")
	b.Settled()
	browser.Eval[bool](b, `history.forward(), true`)
	b.WaitVisible("#step-review #send-bulk")
	b.Settled()

	b.Click("#send-bulk")
	b.WaitVisible("#bulk-progress")
	b.Settled()
	if got := b.Text("#bulk-status"); got != "Scheduled" {
		t.Errorf("the new send is %q", got)
	}
	if b.Count("#bell-count:not([hidden])") != 0 {
		t.Error("the bell counts before the send finished")
	}
	if b.Count("#flash") != 1 {
		t.Error("no flash says the send was accepted")
	}
	b.Shot("bulk-scheduled")
	// From here on the page is not reloaded: the marker survives.
	browser.Eval[bool](b, `window.bulkMarker = true`)
	b.WaitText("#bulk-status", "Done")
	b.WaitGone("#flash") // "accepted, sending" is no longer true
	b.WaitText(`[data-count="sent"]`, "3")
	if got := b.Text(`#count-failed [data-count="failed"]`); got != "1" {
		t.Errorf("failed count %q", got)
	}
	b.WaitText("#bell-count", "1")
	b.WaitText("#toasts", "Bulk send finished: Renewal reminder")
	if !browser.Eval[bool](b, `window.bulkMarker === true`) {
		t.Error("the page was reloaded to follow the send")
	}
	b.Shot("bulk-done")

	// Drill down from the failed count to the reason.
	b.Click("#count-failed")
	b.WaitText("#drill-table", "空号")
	b.Settled()
	row := b.Text("#drill-table tbody")
	if !strings.Contains(row, "Invalid mobile number") || strings.Contains(row, "王小明") {
		t.Errorf("failed recipients: %q", row)
	}
	if !strings.Contains(b.URL(), "status=failed") {
		t.Errorf("the drill-down is not in the address: %s", b.URL())
	}
	b.Shot("bulk-failed")

	// What was delivered: SMS through the gateway, e-mail kept in the outbox,
	// one record per recipient reached.
	if out := e.outbox(); len(out) != 2 {
		t.Errorf("%d e-mails in the outbox, want 2", len(out))
	}
	if recs := e.records(); len(recs) != 3 {
		t.Errorf("%d records, want 3", len(recs))
	}

	// The bell leads to the notification, which leads to the send.
	b.Click("#bell")
	b.WaitVisible("#notification-list")
	b.Click("#notification-list .notification-title")
	b.WaitVisible("#bulk-progress")
	if n, _ := e.app.Notify.UnreadCount(ctx, e.agent1.ID); n != 0 {
		t.Errorf("%d unread after opening the notification", n)
	}
	for _, line := range b.Console() {
		if strings.HasPrefix(line, "error") {
			t.Errorf("browser console: %s", line)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestBrowserBulkFromCustomerList: ticking customers shows the selection
// bar's count, and its bulk contact opens the wizard with their contacts
// ticked; clearing the selection disables the bar's actions again.
func TestBrowserBulkFromCustomerList(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.logIn(b, "agent1")
	b.WaitVisible(".topbar")
	b.Visit(e.srv.URL+"/customers", "#customer-table")
	if !browser.Eval[bool](b, `document.getElementById("bulk-many-submit").disabled`) {
		t.Error("bulk contact is offered with no customer ticked")
	}
	if b.Count("#export-many:not([hidden])") != 0 {
		t.Error("export is offered with no customer ticked")
	}
	b.Check(fmt.Sprintf(`input.pick-customer[value="%d"]`, e.acme.ID), true)
	b.Check(fmt.Sprintf(`input.pick-customer[value="%d"]`, e.globex.ID), true)
	b.WaitText("#picked-count", "2")
	// Export downloads the two ticked customers with their contacts, in the
	// import's format.
	b.WaitVisible("#export-many")
	raw, err := base64.StdEncoding.DecodeString(browser.Eval[string](b, fmt.Sprintf(fetchJS, "#export-many")))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][0] != "customer_code" {
		t.Fatalf("the export of two customers: %v\n%s", err, raw)
	}
	names := map[string]bool{}
	for _, r := range rows[1:] {
		names[r[1]] = true
	}
	if len(names) != 2 || !names[e.acme.Name] || !names[e.globex.Name] {
		t.Errorf("the export holds customers %v, want %s and %s", names, e.acme.Name, e.globex.Name)
	}
	b.Click("#picked-clear")
	b.WaitText("#picked-count", "0")
	if !browser.Eval[bool](b, `document.getElementById("plan-many-submit").disabled`) {
		t.Error("plan contact is offered after the selection was cleared")
	}
	b.Check(fmt.Sprintf(`input.pick-customer[value="%d"]`, e.acme.ID), true)
	b.WaitText("#picked-count", "1")
	b.Click("#bulk-many-submit")
	b.WaitVisible("#step-content")
	if !strings.Contains(b.URL(), fmt.Sprintf("/bulk/new?customer_ids=%d", e.acme.ID)) {
		t.Errorf("the wizard opened at %s", b.URL())
	}
	if got := b.Value("#f-ticked"); len(strings.Split(got, ",")) != 2 {
		t.Errorf("the wizard starts with %q ticked, want Acme's two contacts", got)
	}
}
