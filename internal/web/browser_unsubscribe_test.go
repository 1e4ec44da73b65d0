package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserUnsubscribe follows an e-mail's unsubscribe link in a real
// browser without signing in, presses the button and sees the done page;
// then the contact's rep finds the opt-out on the customer page with its
// time and source, and the unsubscribe on the timeline as a customer's
// message.
func TestBrowserUnsubscribe(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	e.agent1.Language = "zh-CN"
	must(t, e.store.UpdateUser(ctx, e.agent1))
	ct := e.unsubContact(t)

	b.Visit(e.srv.URL+e.unsubPath(t, ct), "#unsubscribe-button")
	if q := b.Text("#unsubscribe"); !strings.Contains(q, "w***@acme.example") {
		t.Errorf("the page names %q", q)
	}
	b.Shot("unsubscribe-ask")
	b.Click("#unsubscribe-button")
	b.WaitVisible("#unsubscribe-done")
	b.Shot("unsubscribe-done")

	e.logIn(b, "agent1")
	b.WaitVisible("#home-stats")
	b.Visit(fmt.Sprintf("%s/customers/%d", e.srv.URL, e.acme.ID), "#contacts-table")
	note := b.WaitText(fmt.Sprintf("#optout-email-%d", ct.ID), "邮件退订链接")
	if !strings.HasPrefix(note, "拒收邮件：已退订 · 20") {
		t.Errorf("the contact's opt-out reads %q", note)
	}
	if got := b.Text("#timeline"); !strings.Contains(got, "客户来信") || !strings.Contains(got, "通过邮件退订链接退订") {
		t.Errorf("the timeline shows %q", got)
	}
	b.Shot("unsubscribe-contact")
}
