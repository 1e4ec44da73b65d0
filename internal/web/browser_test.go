package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
)

// TestBrowserCustomerAndContactDialog walks an agent through the UI in a
// real browser: log in, find a customer, open it, add a contact through
// the dialog with a bad e-mail, see the inline error, fix it, see the row.
func TestBrowserCustomerAndContactDialog(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))

	// An anonymous visit lands on the login page; switch it to Chinese.
	b.Visit(e.srv.URL+"/customers", "form#login")
	b.Click(`button[name="lang"][value="zh-CN"]`)
	b.WaitVisible(`button[value="zh-CN"][aria-pressed="true"]`)
	if h1 := b.Text("h1"); h1 != "登录 Touchbase" {
		t.Fatalf("after switching to Chinese the login page says %q", h1)
	}
	b.Fill("#username", "agent1")
	b.Fill("#password", password)
	b.Click("#login button[type=submit]")

	// The list shows the agent's customers only.
	b.WaitVisible("#customer-table")
	if n := b.Count("#customer-table tbody tr"); n != 2 {
		t.Fatalf("the agent's list has %d rows, want 2", n)
	}
	if txt := b.Text("#customer-table"); strings.Contains(txt, "Initech") {
		t.Fatalf("the list shows a customer the agent may not see: %s", txt)
	}
	b.Fill("#q", "glob")
	b.WaitText("#customer-total", "1")
	b.Fill("#q", "")
	b.WaitText("#customer-total", "2")
	b.Shot("customers")

	// The customer page shows its contacts.
	b.Click(fmt.Sprintf(`#customer-table a[href="/customers/%d"]`, e.acme.ID))
	b.WaitVisible("#contacts-table") // a navigation: WaitText would poll in the page being replaced
	if name := b.Text("#customer-name"); name != "Acme 贸易" {
		t.Fatalf("customer page of %q", name)
	}
	contacts := b.Text("#contacts-table")
	for _, name := range []string{"王小明", "Li Lei", "拒收短信"} {
		if !strings.Contains(contacts, name) {
			t.Errorf("contacts table lacks %q: %s", name, contacts)
		}
	}

	// Add a contact with a bad e-mail: the dialog stays open with the error under the field.
	b.Click("#add-contact")
	b.WaitVisible("#contact-dialog #f-name")
	b.Fill("#f-name", "赵六")
	b.Fill("#f-mobile", "139 0000 3333")
	b.Fill("#f-email", "zhao@bad")
	b.Click("#save-contact")
	b.WaitText("#contact-dialog #e-email", "邮箱地址格式不正确")
	if id := activeID(b, "f-email"); id != "f-email" {
		t.Errorf("after the refused save the focus is on %q, want the e-mail field", id)
	}
	b.Shot("contact-dialog-error")
	if got := b.Value("#f-name"); got != "赵六" {
		t.Errorf("the name was lost after the error: %q", got)
	}
	if n := b.Count("#contacts-table tbody tr"); n != 2 {
		t.Errorf("%d contact rows after a rejected save, want 2", n)
	}

	// Fix it: the dialog closes and the new row appears.
	b.Fill("#f-email", "zhao@example.com")
	b.Click("#save-contact")
	b.WaitGone("#contact-dialog")
	b.WaitText("#contacts-table", "赵六")
	b.Shot("contact-added")
	if n := b.Count("#contacts-table tbody tr"); n != 3 {
		t.Errorf("%d contact rows after the save, want 3", n)
	}
	cts, err := e.app.Contacts.Contacts(context.Background(), permission.Policy{Admin: true}, e.acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	var zhao *model.Contact
	for _, c := range cts {
		if c.Name == "赵六" {
			zhao = c
		}
	}
	if zhao == nil || zhao.Mobile != "+8613900003333" || zhao.Email != "zhao@example.com" {
		t.Errorf("stored contact: %+v", zhao)
	}

	// No script errors or blocked resources (the pages run under a strict
	// CSP); the 400 answering the rejected form is expected.
	for _, line := range b.Console() {
		if strings.HasPrefix(line, "error") && !strings.Contains(line, "status of 400") {
			t.Errorf("browser console: %s", line)
		}
	}
}

// activeID is the id of the element that has the focus, once the page
// settled on one: it waits up to 2 s for the focus to reach want.
func activeID(b *browser.Browser, want string) string {
	return pollPage(b, `document.activeElement ? document.activeElement.id : ""`, fmt.Sprintf("v === %q", want), 2*time.Second)
}

// pollPage evaluates the JavaScript expression value in the page every
// 20 ms until the predicate done holds of it (as v), or d has passed, and
// returns its last value.
func pollPage(b *browser.Browser, value, done string, d time.Duration) string {
	return browser.Eval[string](b, fmt.Sprintf(`new Promise(resolve => {
  const value = () => String(%s), end = Date.now() + %d;
  (function poll() { const v = value(); if ((%s) || Date.now() > end) resolve(v); else setTimeout(poll, 20); })();
})`, value, d.Milliseconds(), done))
}

// TestBrowserRefusedFormsFocusTheFirstError: a plain form sent again with
// its errors, and a form htmx swaps in place, both put the focus on the
// first invalid field; the plan form opened as a page moves on to the plan
// once it is made, so a second click cannot make another.
func TestBrowserRefusedFormsFocusTheFirstError(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.logIn(b, "agent1")
	b.WaitVisible(".topbar")

	b.Visit(e.srv.URL+"/customers/new", "#customer-form")
	b.Fill("#f-level", "A")
	b.Click("#customer-form button[type=submit]")
	b.WaitVisible("#customer-form .field.has-error")
	if id := activeID(b, "f-name"); id != "f-name" {
		t.Errorf("the refused customer form focuses %q, want f-name", id)
	}

	b.Visit(fmt.Sprintf("%s/plans/new?customer_ids=%d", e.srv.URL, e.acme.ID), "#plan-form")
	b.Fill("#f-title", "")
	b.Click("#save-plan")
	b.WaitVisible("#plan-form .field.has-error")
	if id := activeID(b, "f-title"); id != "f-title" {
		t.Errorf("the refused plan form focuses %q, want f-title", id)
	}
	b.Fill("#f-title", "季度回访")
	b.Click("#save-plan")
	b.WaitVisible("#plan-contact-now")
	ps := e.plans()
	if len(ps) != 1 || !strings.HasSuffix(b.URL(), fmt.Sprintf("/plans/%d", ps[0].ID)) {
		t.Fatalf("after creating from its page: at %s with %d plans, want the plan's page and 1", b.URL(), len(ps))
	}
}

// TestBrowserHomeFollowsTheBell: the home page's unread figure and panel
// say what the bell says, live — a notification arriving, and the same
// notification read in another tab.
func TestBrowserHomeFollowsTheBell(t *testing.T) {
	b := browser.New(t)
	e := newEnv(t, storetest.SQLite(t))
	e.logIn(b, "agent1")
	b.WaitVisible(".topbar")
	b.Visit(e.srv.URL+"/", "#home-stats")
	if got := b.Text("#stat-unread b"); got != "0" {
		t.Fatalf("the home page starts with %s unread", got)
	}
	n := e.notify(e.agent1, "新的提醒", "")
	b.WaitText("#bell-count", "1")
	b.WaitText("#stat-unread b", "1")
	b.WaitText("#home-notifications", "新的提醒")

	other := e.signedIn(t, e.agent1)
	if res := other.post(fmt.Sprintf("/notifications/%d/read", n.ID), nil); res.status >= 400 {
		t.Fatalf("read in another tab: %d", res.status)
	}
	b.WaitText("#stat-unread b", "0")
	if b.Count("#bell-count:not([hidden])") != 0 {
		t.Error("the bell still counts a notification read in another tab")
	}
	b.WaitGone("#home-notifications li")
}
