package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestContactFormOpenedAsAPage: the "add contact" form opened on its own
// (a new tab, a direct link) posts as a plain form, saves and goes back
// to the customer; inside the customer page's dialog it is htmx's.
func TestContactFormOpenedAsAPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		path := fmt.Sprintf("/customers/%d/contacts/new", e.acme.ID)
		page := agent.get(path)
		if page.status != http.StatusOK || !strings.Contains(page.body, `id="contact-form"`) || strings.Contains(page.body, "hx-post") {
			t.Fatalf("the form as a page: %d\n%s", page.status, page.body)
		}
		if dialog := agent.htmx(path); !strings.Contains(dialog.body, `hx-target="#contacts"`) {
			t.Fatalf("the form as the dialog lacks its htmx target:\n%s", dialog.body)
		}
		// What the browser posts: the form's fields and its CSRF field.
		res := agent.post(fmt.Sprintf("/customers/%d/contacts", e.acme.ID), url.Values{"name": {"周婷"}, "mobile": {"13900001111"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/customers/%d", e.acme.ID) {
			t.Fatalf("plain post: %d %s", res.status, res.header.Get("Location"))
		}
		if back := agent.get(res.header.Get("Location")); !strings.Contains(back.body, "周婷") {
			t.Fatal("the customer page does not show the contact added")
		}
	})
}
