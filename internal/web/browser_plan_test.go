package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserPlan walks a rep through a contact plan in a real browser:
// plan a contact from a customer's page with a reminder a few seconds
// ahead, see the reminder arrive live in the bell, follow it to the plan,
// complete the plan through Contact now (an SMS kept in the outbox), and
// find the plan done with its record linked, the record's source "plan".
func TestBrowserPlan(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.startWorkers(t)
	ctx := context.Background()
	e.agent1.Language = "en"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	must(t, e.store.CreateTopic(ctx, &model.Topic{Name: "续费提醒", NameEN: "Renewal reminder", Active: true}))

	e.logIn(b, "agent1")
	b.WaitVisible("#home-today-empty")
	b.Visit(fmt.Sprintf("%s/customers/%d", e.srv.URL, e.acme.ID), "#customer-plans-empty")
	b.Settled()

	// Plan contact: a renewal follow-up due in a few seconds, reminded at the due time.
	b.Click("#plan-customer")
	b.WaitVisible("#plan-dialog #f-title")
	b.Settled()
	b.Fill("#f-title", "Renewal follow-up")
	b.Check(`#plan-form input[name="topic_ids"]`, true)
	b.Fill("#f-notes", "Bring the new price list")
	due := time.Now().Add(8 * time.Second).In(mustZone(t, "Asia/Shanghai"))
	b.Fill("#f-due_at", due.Format("2006-01-02T15:04:05"))
	b.Fill("#f-remind", "0")
	b.Shot("plan-form")
	b.Click("#save-plan")
	b.WaitGone("#plan-dialog")
	b.WaitVisible("#customer-plan-list")
	b.Settled()
	ps := e.plans()
	if len(ps) != 1 {
		t.Fatalf("%d plans after the form, want 1", len(ps))
	}
	p := e.plan(ps[0].ID)
	if p.RemindMinutes == nil || *p.RemindMinutes != 0 || len(p.TopicIDs) != 1 {
		t.Errorf("the plan stored: %+v", p)
	}

	// In My plans its "Contact now" reads white on blue, not grey on blue
	// (WCAG AA: 4.5:1).
	b.Visit(e.srv.URL+"/plans", ".plan-contact")
	if ratio := browser.Eval[float64](b, contrastOf(".plan-contact")); ratio < 4.5 {
		t.Errorf("the plan's contact button has a contrast of %.2f:1", ratio)
	}

	// The reminder arrives live: the bell counts it, no reload.
	b.WaitText("#bell-count", "1")
	b.Shot("plan-reminder")

	// Follow it from the notification centre to the plan.
	b.Click("#bell")
	b.WaitVisible("#notification-list")
	if got := b.Text(".notification-title"); !strings.Contains(got, "Contact plan: Renewal follow-up") {
		t.Errorf("the notification says %q", got)
	}
	// It leads to the plan with its contact dialog already open, prefilled
	// from the plan; send an SMS.
	b.Click("button.notification-title")
	b.WaitVisible("#single-contact-dialog #plan-banner")
	if !strings.Contains(b.URL(), fmt.Sprintf("/plans/%d?contact=now", p.ID)) {
		t.Errorf("the notification led to %s", b.URL())
	}
	b.Settled()
	if got := b.Value("#f-title"); got != "Renewal follow-up" {
		t.Errorf("the dialog's title is %q", got)
	}
	b.Check("#ch-sms", true)
	b.Fill("#f-sms_text", "Dear {{contact.name}}, your renewal is due.")
	b.WaitText("#preview-sms", "your renewal is due.")
	b.Settled()
	b.Shot("plan-contact")
	b.Click("#send-contact")
	b.WaitVisible("#single-contact-done #plan-done-link")
	b.Settled()
	b.Click("#done-close")

	// The plan page shows it done with the record linked, without a reload.
	b.WaitVisible("#plan-record-link")
	if got := b.Text("#plan-status"); !strings.Contains(got, "Done") {
		t.Errorf("the plan's status says %q", got)
	}
	b.Shot("plan-done")
	b.Click("#plan-record-link")
	b.WaitVisible("#record-source")
	if got := b.Text("#record-source"); !strings.Contains(got, "Contact plan") {
		t.Errorf("the record's source says %q", got)
	}
	recs := e.records()
	if len(recs) != 1 || recs[0].Source != model.SourcePlan || recs[0].PlanID == nil || *recs[0].PlanID != p.ID {
		t.Fatalf("records: %d", len(recs))
	}
	if got := e.plan(p.ID); got.Status != model.PlanDone || got.RecordID == nil || *got.RecordID != recs[0].ID {
		t.Errorf("plan after the contact: %+v", got)
	}
	if out := e.outbox(); len(out) != 1 || !strings.Contains(out[0].Body, "Dear 王小明, your renewal is due.") {
		t.Errorf("outbox: %d messages", len(out))
	}
}

// contrastOf is a script giving the contrast ratio (WCAG 2) of the text of
// the first element matching sel against its background.
func contrastOf(sel string) string {
	return `(() => {
		const s = getComputedStyle(document.querySelector(` + strconv.Quote(sel) + `));
		const lum = c => {
			const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(v => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
			});
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		const a = lum(s.color), b = lum(s.backgroundColor);
		return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
	})()`
}

// TestBrowserNewPlanFromMyPlans: My plans' New plan opens the plan dialog
// on a customer search; picking a match opens the form for that customer,
// and the plan is made from there. Customers the rep may not see are not
// offered.
func TestBrowserNewPlanFromMyPlans(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.logIn(b, "agent1")
	b.WaitVisible(".topbar")
	b.Visit(e.srv.URL+"/plans", "#new-plan")
	b.Click("#new-plan")
	b.WaitVisible("#plan-dialog #f-customer_q")
	b.Fill("#f-customer_q", "Initech")
	waitContent(t, b, "#plan-customer-matches", "No customer matches")
	b.Fill("#f-customer_q", "Acme")
	waitContent(t, b, "#plan-customer-matches", "Acme 贸易")
	b.Click("#f-customer_q") // the suggestions show while the search has the focus
	b.Click("#plan-customer-list a")
	b.WaitText("#plan-dialog #plan-customers", "Acme 贸易")
	b.WaitVisible("#plan-dialog #f-contact_id")
	b.Fill("#f-title", "回访 Acme")
	b.Click("#save-plan")
	b.WaitGone("#plan-dialog")
	ps := e.plans()
	if len(ps) != 1 || ps[0].CustomerID != e.acme.ID || ps[0].Title != "回访 Acme" {
		t.Fatalf("plans after New plan: %+v", ps)
	}
}

// waitContent waits up to 10 s for the text of sel, shown or not (a
// suggestion menu hides while its field lacks the focus), to contain want.
func waitContent(t *testing.T, b *browser.Browser, sel, want string) {
	t.Helper()
	got := pollPage(b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel), fmt.Sprintf("v.includes(%q)", want), 10*time.Second)
	if !strings.Contains(got, want) {
		t.Fatalf("%s says %q, want %q", sel, got, want)
	}
}
