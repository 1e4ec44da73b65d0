package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestCustomerList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		for _, tc := range []struct {
			c          *client
			path       string
			want, gone []string
		}{
			{agent, "/customers", []string{"Acme 贸易", "Globex 科技"}, []string{"Initech"}},
			{agent, "/customers?scope=all", []string{"Acme 贸易", "Globex 科技"}, []string{"Initech"}},
			{agent, "/customers?scope=all&q=acme", []string{"Acme 贸易"}, []string{"Globex", "Initech"}},
			{agent, "/customers?scope=all&rep=" + fmt.Sprint(e.agent2.ID), []string{"Globex 科技"}, []string{"Acme", "Initech"}},
			{e.signedIn(t, e.admin), "/customers", []string{"Acme 贸易", "Globex 科技", "Initech 实业"}, nil},
		} {
			res := tc.c.get(tc.path)
			if res.status != http.StatusOK {
				t.Fatalf("GET %s: %d", tc.path, res.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("GET %s does not list %q", tc.path, w)
				}
			}
			for _, g := range tc.gone {
				if strings.Contains(res.body, g) {
					t.Errorf("GET %s lists %q", tc.path, g)
				}
			}
		}

		// Live search answers with the results only, updating the tabs.
		res := agent.htmxTarget("/customers?scope=all&q=glob", "customer-results")
		if strings.Contains(res.body, "<html") || !strings.Contains(res.body, "Globex 科技") ||
			strings.Contains(res.body, "Acme") || !strings.Contains(res.body, `hx-swap-oob="true"`) {
			t.Errorf("live search fragment:\n%s", res.body)
		}
		// Nothing matching: an empty state that says what to do.
		res = agent.get("/customers?scope=all&q=nothing-like-this")
		if !strings.Contains(res.body, `id="customers-empty"`) || !strings.Contains(res.body, "没有符合筛选条件的客户") {
			t.Errorf("empty search:\n%s", res.body)
		}
	})
}

func TestCustomerPageAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		path := func(c *model.Customer, suffix string) string { return fmt.Sprintf("/customers/%d%s", c.ID, suffix) }

		res := agent.get(path(e.acme, ""))
		if res.status != http.StatusOK || !strings.Contains(res.body, "王小明") || !strings.Contains(res.body, "Li Lei") ||
			!strings.Contains(res.body, "86 138 1234 5678") || !strings.Contains(res.body, `id="add-contact"`) {
			t.Fatalf("own customer page: %d\n%s", res.status, res.body)
		}
		for _, p := range []string{path(e.initec, ""), path(e.initec, "/edit"), path(e.initec, "/contacts/new"), "/customers/99999", "/customers/abc"} {
			if res := agent.get(p); res.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.status)
			}
		}
		// A sharer sees the customer but may not edit it.
		res = agent.get(path(e.globex, ""))
		if res.status != http.StatusOK || strings.Contains(res.body, `id="add-contact"`) || strings.Contains(res.body, `id="edit-customer"`) {
			t.Errorf("shared customer page: %d, edit controls shown", res.status)
		}
		for _, p := range []string{path(e.globex, "/edit"), path(e.globex, "/contacts/new")} {
			if res := agent.get(p); res.status != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", p, res.status)
			}
		}
		if res := agent.post(path(e.globex, "/contacts"), url.Values{"name": {"Intruder"}}); res.status != http.StatusForbidden {
			t.Errorf("POST contact on a shared customer: %d, want 403", res.status)
		}
		if res := agent.post(path(e.initec, "/contacts"), url.Values{"name": {"Intruder"}}); res.status != http.StatusNotFound {
			t.Errorf("POST contact on an invisible customer: %d, want 404", res.status)
		}
		if res := agent.post(path(e.acme, "/delete"), nil); res.status != http.StatusForbidden {
			t.Errorf("agent deleting a customer: %d, want 403", res.status)
		}
		if res := agent.postHTMX(path(e.acme, "/relations"), url.Values{"user_id": {fmt.Sprint(e.agent2.ID)}, "kind": {"sharer"}}); res.status != http.StatusForbidden {
			t.Errorf("agent adding a relation: %d, want 403", res.status)
		}
		if n := countContacts(t, e, e.globex.ID) + countContacts(t, e, e.initec.ID); n != 0 {
			t.Errorf("%d contacts stored by refused requests", n)
		}
	})
}

func TestContactDialog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		add := fmt.Sprintf("/customers/%d/contacts", e.acme.ID)

		res := agent.htmx(add + "/new")
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), "<dialog") {
			t.Fatalf("new contact dialog: %d\n%s", res.status, res.body)
		}

		for _, tc := range []struct{ lang, msg string }{{"en", "This is not a valid mobile number."}, {"zh-CN", "手机号格式不正确"}} {
			agent.lang = tc.lang
			res = agent.postHTMX(add, url.Values{"name": {"Zhao"}, "mobile": {"12345"}, "email": {"zhao@example.com"}})
			if res.status != http.StatusBadRequest || res.header.Get("HX-Retarget") != "#contact-form" {
				t.Fatalf("bad mobile (%s): %d retarget %q", tc.lang, res.status, res.header.Get("HX-Retarget"))
			}
			if !strings.Contains(res.body, `<p class="field-error" id="e-mobile" role="alert">`+tc.msg) ||
				!strings.Contains(res.body, `value="Zhao"`) {
				t.Errorf("bad mobile (%s): error not inline under the field:\n%s", tc.lang, res.body)
			}
		}
		if n := countContacts(t, e, e.acme.ID); n != 2 {
			t.Fatalf("a rejected contact was stored: %d contacts", n)
		}

		// Without the CSRF token nothing is stored.
		res = agent.postRaw(add, url.Values{"name": {"Zhao"}, "mobile": {"13800001111"}}, map[string]string{"HX-Request": "true"})
		if res.status != http.StatusForbidden || countContacts(t, e, e.acme.ID) != 2 {
			t.Fatalf("POST without CSRF: %d, contacts %d", res.status, countContacts(t, e, e.acme.ID))
		}

		res = agent.postHTMX(add, url.Values{"name": {"Zhao"}, "mobile": {"138 0000 1111"}, "email": {"zhao@example.com"}, "primary": {"on"}})
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("HX-Trigger"), "closeDialog") ||
			!strings.Contains(res.body, `id="contacts"`) || !strings.Contains(res.body, "86 138 0000 1111") {
			t.Fatalf("good contact: %d %q\n%s", res.status, res.header.Get("HX-Trigger"), res.body)
		}
		cts, _ := e.app.Contacts.Contacts(context.Background(), permission.Policy{Admin: true}, e.acme.ID)
		var zhao *model.Contact
		for _, c := range cts {
			if c.Name == "Zhao" {
				zhao = c
			}
		}
		if zhao == nil || zhao.Mobile != "+8613800001111" || !zhao.Primary {
			t.Fatalf("stored contact: %+v", zhao)
		}

		// Edit without JavaScript: a page, then a redirect back.
		res = agent.get(fmt.Sprintf("/contacts/%d/edit", zhao.ID))
		if res.status != http.StatusOK || !strings.Contains(res.body, "<html") {
			t.Fatalf("edit page: %d", res.status)
		}
		res = agent.post(fmt.Sprintf("/contacts/%d", zhao.ID), url.Values{"name": {"Zhao Lei"}, "email": {"bad@"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "邮箱地址格式不正确") {
			t.Errorf("bad e-mail on the edit page: %d", res.status)
		}
		res = agent.post(fmt.Sprintf("/contacts/%d", zhao.ID), url.Values{"name": {"Zhao Lei"}, "email": {"zhao@example.com"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/customers/%d", e.acme.ID) {
			t.Errorf("edit: %d %q", res.status, res.header.Get("Location"))
		}
		res = agent.postHTMX(fmt.Sprintf("/contacts/%d/delete", zhao.ID), nil)
		if res.status != http.StatusOK || strings.Contains(res.body, "Zhao Lei") || countContacts(t, e, e.acme.ID) != 2 {
			t.Errorf("delete: %d, %d contacts", res.status, countContacts(t, e, e.acme.ID))
		}
	})
}

func TestCustomerForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		agent.get("/customers/new")
		res := agent.post("/customers", url.Values{"name": {"  "}, "code": {"C001"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "此项为必填项") {
			t.Fatalf("empty name: %d", res.status)
		}
		// An agent's posted code is not read: whether it is free (C100) or
		// taken by a customer the agent cannot see (C003), the customer is
		// created the same way, under a code the server generates.
		var made []*model.Customer
		for _, code := range []string{"C003", "C100"} {
			res = agent.post("/customers", url.Values{"name": {"Hooli " + code}, "code": {code}, "rep_id": {fmt.Sprint(e.agent2.ID)}})
			if res.status != http.StatusSeeOther {
				t.Fatalf("create with code %s: %d\n%s", code, res.status, res.body)
			}
			id, err := strconv.ParseInt(strings.TrimPrefix(res.header.Get("Location"), "/customers/"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.CustomerByID(context.Background(), permission.Policy{Admin: true}, id)
			if err != nil || c.RepID == nil || *c.RepID != e.agent1.ID || !generatedCode.MatchString(c.Code) {
				t.Fatalf("an agent's new customer is theirs, under a generated code: %+v %v", c, err)
			}
			made = append(made, c)
		}
		if made[0].Code == made[1].Code {
			t.Errorf("two customers got the code %s", made[0].Code)
		}
		if c, _ := s.CustomerByCode(context.Background(), "C003"); c == nil || c.ID != e.initec.ID {
			t.Errorf("C003 is %+v", c)
		}
		hooli := made[1]
		page := agent.get(res.header.Get("Location"))
		if !strings.Contains(page.body, "客户已创建。") {
			t.Errorf("no flash after create")
		}
		if !strings.Contains(page.body, hooli.Code) {
			t.Errorf("the customer page does not show its code %s", hooli.Code)
		}
		// The rep and the code cannot be changed by an agent, even by
		// posting them.
		res = agent.post(fmt.Sprintf("/customers/%d", hooli.ID), url.Values{"name": {"Hooli Ltd"}, "code": {"C003"}, "rep_id": {fmt.Sprint(e.agent2.ID)}})
		after, _ := s.CustomerByID(context.Background(), permission.Policy{Admin: true}, hooli.ID)
		if res.status != http.StatusSeeOther || after.Name != "Hooli Ltd" || *after.RepID != e.agent1.ID || after.Code != hooli.Code {
			t.Errorf("agent update: %d %+v", res.status, after)
		}
		if edit := agent.get(fmt.Sprintf("/customers/%d/edit", hooli.ID)); !strings.Contains(edit.body, "客户编号由管理员分配") ||
			strings.Contains(edit.body, `name="code"`) {
			t.Errorf("an agent's edit form offers the code:\n%s", edit.body)
		}

		// Admins assign reps, codes and relations; an admin sees every
		// customer, so a taken code is no secret to them.
		admin := e.signedIn(t, e.admin)
		admin.get("/customers/new")
		if res := admin.post("/customers", url.Values{"name": {"Dup"}, "code": {"C003"}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, "已有其他客户使用该编号") {
			t.Errorf("admin, taken code: %d", res.status)
		}
		if res := admin.post("/customers", url.Values{"name": {"Own code"}, "code": {"C200"}}); res.status != http.StatusSeeOther {
			t.Errorf("admin, free code: %d", res.status)
		} else if c, err := s.CustomerByCode(context.Background(), "C200"); err != nil || c.Name != "Own code" {
			t.Errorf("admin's code: %+v %v", c, err)
		}
		admin.get(fmt.Sprintf("/customers/%d/edit", e.initec.ID))
		res = admin.postHTMX(fmt.Sprintf("/customers/%d/relations", e.initec.ID), url.Values{"user_id": {fmt.Sprint(e.agent1.ID)}, "kind": {"participant"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, fmt.Sprintf("/relations/%d/delete", e.agent1.ID)) {
			t.Fatalf("add relation: %d\n%s", res.status, res.body)
		}
		if res := agent.get(fmt.Sprintf("/customers/%d/edit", e.initec.ID)); res.status != http.StatusOK {
			t.Errorf("participant edit page: %d", res.status)
		}
		res = admin.postHTMX(fmt.Sprintf("/customers/%d/relations", e.initec.ID), url.Values{"kind": {"participant"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "请选择用户") {
			t.Errorf("relation without user: %d\n%s", res.status, res.body)
		}
		res = admin.postHTMX(fmt.Sprintf("/customers/%d/relations/%d/delete", e.initec.ID, e.agent1.ID), nil)
		if res.status != http.StatusOK || strings.Contains(res.body, fmt.Sprintf("/relations/%d/delete", e.agent1.ID)) {
			t.Errorf("remove relation: %d\n%s", res.status, res.body)
		}
		if res := agent.get(fmt.Sprintf("/customers/%d", e.initec.ID)); res.status != http.StatusNotFound {
			t.Errorf("after removal: %d, want 404", res.status)
		}
	})
}

// generatedCode is the form of a code Touchbase gives a customer.
var generatedCode = regexp.MustCompile(`^C[0-9A-HJKMNP-TV-Z]{10}$`)

func countContacts(t *testing.T, e *env, customerID int64) int {
	t.Helper()
	cts, err := e.app.Contacts.Contacts(context.Background(), permission.Policy{Admin: true}, customerID)
	if err != nil {
		t.Fatal(err)
	}
	return len(cts)
}

// TestCustomerExport downloads ticked customers as CSV; nothing ticked is
// refused on the field.
func TestCustomerExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		res := agent.get(fmt.Sprintf("/customers/export.csv?customer_ids=%d&customer_ids=%d", e.acme.ID, e.initec.ID))
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(res.body, e.acme.Name) || strings.Contains(res.body, e.initec.Name) {
			t.Fatalf("export: %d %v\n%s", res.status, res.header, res.body)
		}
		if res := agent.get("/customers/export.csv"); res.status != http.StatusBadRequest || !strings.Contains(res.body, "customer") {
			t.Errorf("nothing ticked: %d\n%s", res.status, res.body)
		}
	})
}
