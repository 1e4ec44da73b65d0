package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserSingleContact walks a rep through a single contact in a real
// browser: open a customer, open Contact on a contact, write an SMS with a
// merge field, watch the preview and the segment count follow, send it
// through the outbox, and find the record in the customer's timeline and
// in All contact records filtered by that customer.
func TestBrowserSingleContact(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	e.agent1.Language = "en"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	must(t, e.store.CreateTopic(ctx, &model.Topic{Name: "续费提醒", NameEN: "Renewal reminder", Active: true}))
	wang := e.contactNamed(e.acme.ID, "王小明")

	e.logIn(b, "agent1")
	b.WaitVisible("#home-stats")
	b.Click("#nav-customers")
	b.WaitVisible("#customer-table")
	b.Click(fmt.Sprintf(`#customer-table a[href="/customers/%d"]`, e.acme.ID))
	b.WaitVisible("#timeline-empty")
	b.Shot("customer-before")

	// Contact on the contact's row opens the dialog, prefilled.
	b.Click(fmt.Sprintf("#contact-%d a.contact-action", wang.ID))
	b.WaitVisible("#single-contact-dialog #f-title")
	b.Settled()
	if got := b.Text("#recipient-mobile"); !strings.Contains(got, "+86 138 1234 5678") {
		t.Errorf("the dialog shows mobile %q", got)
	}
	if note := b.Text("#sms-outbox-note"); !strings.Contains(note, "kept in the Outbox") {
		t.Errorf("the outbox banner says %q", note)
	}
	b.Fill("#f-title", "Renewal reminder")

	// Another contact: the form comes back for them with what was typed;
	// Li Lei opted out of SMS, so SMS is disabled with the reason.
	li := e.contactNamed(e.acme.ID, "Li Lei")
	b.Fill("#f-contact_id", fmt.Sprint(li.ID))
	b.WaitVisible("#sms-blocked")
	b.Settled()
	if got := b.Value("#f-title"); got != "Renewal reminder" {
		t.Errorf("the title was lost when changing contact: %q", got)
	}
	b.Fill("#f-contact_id", fmt.Sprint(wang.ID))
	b.WaitGone("#sms-blocked")
	b.Settled()
	b.Check("#ch-sms", true)
	b.Check(`#single-contact-form input[name="topic_ids"]`, true)
	b.Fill("#f-summary", "Reminded of the renewal by SMS")

	// The preview fills the merge field; the counter follows the text.
	b.Fill("#f-sms_text", "Dear {{contact.name}}, your service is due for renewal.")
	b.WaitText("#preview-sms", "Dear 王小明, your service is due for renewal.")
	b.WaitText("#sms-counter", "UCS-2 · 1 segment")
	b.Click(`#single-contact-form .chip[data-insert="{{customer.name}}"]`)
	b.WaitText("#preview-sms", "renewal.Acme 贸易")
	b.Fill("#f-sms_text", "Dear {{contact.name}}, your service with us is due for renewal next month. Reply to this message or call us to renew.")
	b.WaitText("#sms-counter", "2 segment(s)")
	b.Shot("contact-dialog")
	b.Fill("#f-sms_text", "Dear {{contact.name}}, your service is due for renewal.")
	b.WaitText("#sms-counter", "1 segment")

	// Send: the outbox keeps it, the dialog says so and links the record.
	b.Click("#send-contact")
	b.WaitVisible("#single-contact-done")
	if got := b.Text("#result-sms"); !strings.Contains(got, "Kept in the Outbox") {
		t.Errorf("the result says %q", got)
	}
	if got := b.Text("#single-done-title"); got != "Kept in the Outbox" {
		t.Errorf("a send kept in the Outbox is titled %q", got)
	}
	b.WaitText(".toast", "only in the Outbox; nothing was sent")
	b.Shot("contact-sent")
	recs := e.records()
	if len(recs) != 1 || recs[0].Content != "Dear 王小明, your service is due for renewal." || recs[0].Source != model.SourceSingle ||
		len(recs[0].TopicIDs) != 1 {
		t.Fatalf("records: %+v", recs)
	}
	if out := e.outbox(); len(out) != 1 || out[0].To != "+8613812345678" {
		t.Fatalf("outbox: %+v", out)
	}

	// Closing the dialog shows the record in the timeline, refreshed in place.
	b.Click("#done-close")
	b.WaitGone("#single-contact-dialog")
	b.WaitText("#timeline-list", "Renewal reminder")
	if got := b.Text(fmt.Sprintf("#tl-record-%d", recs[0].ID)); !strings.Contains(got, "Single contact") || !strings.Contains(got, "Agent1") {
		t.Errorf("timeline item: %q", got)
	}
	b.Shot("customer-timeline")

	// All contact records, filtered by the customer through the search.
	b.Click("#nav-records")
	b.WaitVisible("#customer-search")
	b.Settled()
	b.Fill("#customer-search", "acme")
	b.Click("#customer-search") // the suggestions show while the search has the focus
	b.WaitVisible("#customer-match-list a")
	if got := b.Text("#customer-match-list"); !strings.Contains(got, "Acme 贸易") || strings.Contains(got, "Initech") {
		t.Errorf("customer suggestions: %q", got)
	}
	b.Click("#customer-match-list a")
	b.WaitVisible("#customer-chip")
	if chip := b.Text("#customer-chip"); !strings.Contains(chip, "Acme 贸易") {
		t.Errorf("customer filter chip: %q", chip)
	}
	b.WaitText("#records-table", "Renewal reminder")
	b.Settled()
	if n := b.Count("#records-table tbody tr"); n != 1 {
		t.Errorf("%d records for Acme, want 1", n)
	}
	b.Shot("records")
	b.Fill("#f-channel", "phone")
	b.WaitVisible("#records-empty")
	b.Fill("#f-channel", "")
	b.WaitVisible("#records-table")

	// The record's page shows what was sent.
	b.Click(fmt.Sprintf("#record-%d a.record-title", recs[0].ID))
	b.WaitVisible("#record-content")
	if got := b.Text("#record-content"); got != recs[0].Content {
		t.Errorf("record content: %q", got)
	}
	b.Shot("record")

	for _, line := range b.Console() {
		if strings.HasPrefix(line, "error") {
			t.Errorf("browser console: %s", line)
		}
	}
}

// TestBrowserChannelSettings walks an admin through the channel settings:
// choosing a provider shows its fields, a test message lands in the outbox
// and the outbox shows it.
func TestBrowserChannelSettings(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.admin.Language = "en"
	must(t, e.store.UpdateUser(context.Background(), e.admin))
	b.Visit(e.srv.URL+"/login?next=/admin/channels", "form#login")
	b.Fill("#username", "admin")
	b.Fill("#password", password)
	b.Click("#login button[type=submit]")
	b.WaitVisible("#channel-sms")
	if b.Count("#channel-sms .pf-aliyun:not([hidden])") != 1 || browser.Eval[bool](b, `document.querySelector("#channel-sms .pf-aliyun").checkVisibility()`) {
		t.Fatal("the Aliyun fields show while the outbox is chosen")
	}
	b.Click(`#channel-sms input[name="provider"][value="aliyun"]`)
	b.WaitVisible("#f-aliyun-access_key_id")
	b.Shot("channels-aliyun")
	b.Click(`#channel-sms input[name="provider"][value="outbox"]`)
	b.WaitGone("#f-aliyun-access_key_id")

	b.Fill("#test-to-email", "ops@example.com")
	b.Click("#test-send-email")
	b.WaitText("#test-answer-email", "Kept in the Outbox")
	b.Shot("channels-test")

	b.Click("#nav-outbox")
	b.WaitVisible("#outbox-list") // a navigation: WaitText would poll in the page being replaced
	if got := b.Text("#outbox-list"); !strings.Contains(got, "ops@example.com") {
		t.Errorf("the outbox shows %q", got)
	}
	b.Shot("outbox")
	for _, line := range b.Console() {
		if strings.HasPrefix(line, "error") {
			t.Errorf("browser console: %s", line)
		}
	}
}
