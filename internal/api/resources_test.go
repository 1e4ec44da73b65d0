package api

import (
	"fmt"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestCustomersAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		agent := e.user(t, "agent", model.RoleAgent, nil)
		adm, ag := bearer(e.token(t, admin)), bearer(e.token(t, agent))

		r := e.do(t, "POST", "customers", fmt.Sprintf(`{"code":" C-1 ","name":"Acme","level":"VIP","industry":"Retail",
			"address":"1 Road","notes":"n","rep_id":%d,"do_not_contact":true}`, agent.ID), adm)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		c := r.json(t)
		id := r.id(t)
		if r.header.Get("Location") != Prefix+"/customers/"+itoa(id) || c["code"] != "C-1" ||
			c["do_not_contact"] != true || c["access"].(map[string]any)["edit"] != true {
			t.Errorf("created customer: %s (Location %q)", r.body, r.header.Get("Location"))
		}
		// An agent's new customer is theirs, under a generated code.
		r = e.do(t, "POST", "customers", `{"name":"Beta","level":"A","industry":"Retail"}`, ag)
		if code, _ := r.json(t)["code"].(string); r.status != 201 || r.json(t)["rep_id"] != float64(agent.ID) ||
			!generatedCode.MatchString(code) {
			t.Fatalf("agent create: %v", r)
		}
		e.do(t, "POST", "customers", `{"name":"Gamma","code":"C-3","industry":"Energy"}`, adm)

		names := func(path string, opts ...reqOpt) string {
			t.Helper()
			r := e.do(t, "GET", path, nil, opts...)
			if r.status != 200 {
				t.Fatalf("%s: %v", path, r)
			}
			var out []string
			for _, it := range r.json(t)["items"].([]any) {
				out = append(out, it.(map[string]any)["name"].(string))
			}
			return fmt.Sprintf("%s/%v", strings.Join(out, ","), r.json(t)["total"])
		}
		for path, want := range map[string]string{
			"customers":                             "Acme,Beta,Gamma/3",
			"customers?q=c-":                        "Acme,Gamma/2",
			"customers?q=BET":                       "Beta/1",
			"customers?industry=Retail":             "Acme,Beta/2",
			"customers?level=VIP":                   "Acme/1",
			"customers?rep_id=" + itoa(agent.ID):    "Acme,Beta/2",
			"customers?mine=true":                   "/0",
			"customers?limit=1&offset=1":            "Beta/3",
			"customers?sort=code&desc=true":         "Beta,Gamma,Acme/3", // C… after C-3 and C-1
			"customers?sort=name&desc=true&limit=2": "Gamma,Beta/3",
		} {
			if got := names(path, adm); got != want {
				t.Errorf("GET %s = %s, want %s", path, got, want)
			}
		}
		if got := names("customers?mine=true", ag); got != "Acme,Beta/2" {
			t.Errorf("agent's mine = %s", got)
		}
		if r := e.do(t, "GET", "customers?sort=secret", nil, adm); r.status != 400 {
			t.Errorf("unknown sort key: %v", r)
		}

		// PATCH changes only what it names; null clears the rep.
		r = e.do(t, "PATCH", "customers/"+itoa(id), `{"notes":"patched","rep_id":null}`, adm)
		if c := r.json(t); r.status != 200 || c["notes"] != "patched" || c["level"] != "VIP" || c["code"] != "C-1" || c["rep_id"] != nil {
			t.Errorf("patch: %v", r)
		}
		// PUT replaces everything: absent fields take their defaults.
		r = e.do(t, "PUT", "customers/"+itoa(id), `{"name":"Acme Ltd"}`, adm)
		if c := r.json(t); r.status != 200 || c["name"] != "Acme Ltd" || c["level"] != "" || c["code"] != "" ||
			c["do_not_contact"] != false || c["notes"] != "" {
			t.Errorf("put: %v", r)
		}
		// An agent may edit their customer but not hand it to someone else.
		beta := e.do(t, "GET", "customers?q=Beta", nil, ag).json(t)["items"].([]any)[0].(map[string]any)
		betaID := int64(beta["id"].(float64))
		if r := e.do(t, "PATCH", "customers/"+itoa(betaID), `{"level":"B"}`, ag); r.status != 200 || r.json(t)["level"] != "B" {
			t.Errorf("agent patch: %v", r)
		}
		if r := e.do(t, "PATCH", "customers/"+itoa(betaID), fmt.Sprintf(`{"rep_id":%d}`, admin.ID), ag); r.status != 400 {
			t.Errorf("agent changing the rep: %v", r)
		}

		// Sync by code: create, then replace in place.
		r = e.do(t, "PUT", "customers/by-code/HOST-9", `{"name":"Host Nine","level":"A","notes":"x"}`, adm)
		if r.status != 201 || r.json(t)["code"] != "HOST-9" {
			t.Fatalf("upsert create: %v", r)
		}
		hostID := r.id(t)
		r = e.do(t, "PUT", "customers/by-code/HOST-9", `{"name":"Host 9","code":"HOST-9"}`, adm)
		if r.status != 200 || r.id(t) != hostID || r.json(t)["name"] != "Host 9" || r.json(t)["level"] != "" {
			t.Errorf("upsert update: %v", r)
		}
		if r := e.do(t, "PUT", "customers/by-code/a%2Fb", `{"name":"Slash"}`, adm); r.status != 201 || r.json(t)["code"] != "a/b" {
			t.Errorf("code with an escaped slash: %v", r)
		}

		// Delete takes the contacts along.
		ct := e.contact(t, &model.Contact{CustomerID: hostID, Name: "Wang"})
		if r := e.do(t, "DELETE", "customers/"+itoa(hostID), nil, adm); r.status != 204 || len(r.body) != 0 {
			t.Fatalf("delete: %v", r)
		}
		if r := e.do(t, "GET", "contacts/"+itoa(ct.ID), nil, adm); r.status != 404 {
			t.Errorf("contact of a deleted customer: %v", r)
		}
	})
}

func TestContactsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		adm := bearer(e.token(t, admin))
		x := e.customer(t, &model.Customer{Name: "X Corp"})

		r := e.do(t, "POST", "customers/"+itoa(x.ID)+"/contacts",
			`{"name":"Li Lei","title":"CTO","mobile":"138 1234 5678","email":"li@Example.COM","primary":true,"opt_out_sms":true}`, adm)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		c := r.json(t)
		first := r.id(t)
		if c["mobile"] != "+8613812345678" || c["email"] != "li@example.com" || c["customer_name"] != "X Corp" ||
			c["primary"] != true || r.header.Get("Location") != Prefix+"/contacts/"+itoa(first) {
			t.Errorf("created contact: %s", r.body)
		}
		r = e.do(t, "POST", "customers/"+itoa(x.ID)+"/contacts", `{"name":"Han Meimei","mobile":"+14155552671","primary":true}`, adm)
		second := r.id(t)
		if got := e.do(t, "GET", "contacts/"+itoa(first), nil, adm).json(t)["primary"]; got != false {
			t.Errorf("the first contact is still primary after a new primary one")
		}
		if r := e.do(t, "GET", "customers/"+itoa(x.ID)+"/contacts", nil, adm); r.json(t)["total"] != float64(2) {
			t.Errorf("customer contacts: %s", r.body)
		}

		page := e.do(t, "GET", "contacts?limit=1", nil, adm).json(t)
		if len(page["items"].([]any)) != 1 || page["has_more"] != true {
			t.Errorf("first page: %v", page)
		}
		page = e.do(t, "GET", "contacts?limit=1&offset=1", nil, adm).json(t)
		if len(page["items"].([]any)) != 1 || page["has_more"] != false {
			t.Errorf("second page: %v", page)
		}
		if items := e.do(t, "GET", "contacts?q=4155", nil, adm).json(t)["items"].([]any); len(items) != 1 {
			t.Errorf("search by mobile: %v", items)
		}

		r = e.do(t, "PATCH", "contacts/"+itoa(first), `{"title":"CEO"}`, adm)
		if c := r.json(t); r.status != 200 || c["title"] != "CEO" || c["mobile"] != "+8613812345678" || c["opt_out_sms"] != true {
			t.Errorf("patch: %v", r)
		}
		r = e.do(t, "PUT", "contacts/"+itoa(first), `{"name":"Li Lei"}`, adm)
		if c := r.json(t); r.status != 200 || c["title"] != "" || c["mobile"] != "" || c["opt_out_sms"] != false {
			t.Errorf("put: %v", r)
		}
		if r := e.do(t, "DELETE", "contacts/"+itoa(second), nil, adm); r.status != 204 {
			t.Errorf("delete: %v", r)
		}
		if r := e.do(t, "GET", "contacts/"+itoa(second), nil, adm); r.status != 404 {
			t.Errorf("deleted contact: %v", r)
		}
	})
}

func TestAdminResourcesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		agent := e.user(t, "agent", model.RoleAgent, nil)
		adm := bearer(e.token(t, admin))
		x := e.customer(t, &model.Customer{Name: "X Corp"})

		// Relations: set, replace, remove.
		rel := "customers/" + itoa(x.ID) + "/relations"
		r := e.do(t, "POST", rel, fmt.Sprintf(`{"user_id":%d,"kind":"participant"}`, agent.ID), adm)
		if r.status != 201 || r.json(t)["user_name"] != "agent" {
			t.Fatalf("set relation: %v", r)
		}
		e.do(t, "POST", rel, fmt.Sprintf(`{"user_id":%d,"kind":"sharer"}`, agent.ID), adm)
		items := e.do(t, "GET", rel, nil, adm).json(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["kind"] != "sharer" {
			t.Errorf("relations after replacing: %v", items)
		}
		if r := e.do(t, "DELETE", rel+"/"+itoa(agent.ID), nil, adm); r.status != 204 {
			t.Errorf("delete relation: %v", r)
		}

		// Teams.
		r = e.do(t, "POST", "teams", fmt.Sprintf(`{"name":"Sales","manager_id":%d}`, admin.ID), adm)
		if r.status != 201 || r.json(t)["manager_id"] != float64(admin.ID) {
			t.Fatalf("create team: %v", r)
		}
		team := r.id(t)
		if r := e.do(t, "PATCH", "teams/"+itoa(team), `{"name":"Sales East"}`, adm); r.json(t)["manager_id"] != float64(admin.ID) {
			t.Errorf("patch team lost the manager: %s", r.body)
		}
		if r := e.do(t, "PUT", "teams/"+itoa(team), `{"name":"Sales East"}`, adm); r.json(t)["manager_id"] != nil {
			t.Errorf("put team kept the manager: %s", r.body)
		}

		// Users: create, log in, patch, replace, password.
		r = e.do(t, "POST", "users", fmt.Sprintf(`{"username":"wang","password":"first-password","role":"agent","team_id":%d,
			"display_name":"Wang","language":"en"}`, team), adm)
		if r.status != 201 || r.json(t)["active"] != true || r.json(t)["timezone"] != "Asia/Shanghai" ||
			strings.Contains(string(r.body), "first-password") || strings.Contains(string(r.body), "argon2") {
			t.Fatalf("create user: %v", r)
		}
		wang := r.id(t)
		if r := e.do(t, "POST", "tokens", `{"username":"wang","password":"first-password"}`); r.status != 201 {
			t.Fatalf("new user's login: %v", r)
		}
		if r := e.do(t, "GET", "users?team_id="+itoa(team), nil, adm); r.json(t)["total"] != float64(1) {
			t.Errorf("users of the team: %s", r.body)
		}
		r = e.do(t, "PATCH", "users/"+itoa(wang), `{"display_name":"Wang Wu","active":false}`, adm)
		if c := r.json(t); c["display_name"] != "Wang Wu" || c["team_id"] != float64(team) || c["language"] != "en" || c["active"] != false {
			t.Errorf("patch user: %s", r.body)
		}
		if r := e.do(t, "GET", "users?active=true", nil, adm); r.json(t)["total"] != float64(2) {
			t.Errorf("active users: %s", r.body)
		}
		r = e.do(t, "PUT", "users/"+itoa(wang), `{"username":"wang","role":"agent"}`, adm)
		if c := r.json(t); c["team_id"] != nil || c["active"] != true || c["display_name"] != "" {
			t.Errorf("put user: %s", r.body)
		}
		if r := e.do(t, "PUT", "users/"+itoa(wang)+"/password", `{"password":"second-password"}`, adm); r.status != 204 {
			t.Fatalf("set password: %v", r)
		}
		if r := e.do(t, "POST", "tokens", `{"username":"wang","password":"first-password"}`, remote("10.1.1.1:1")); r.status != 401 {
			t.Errorf("old password still works: %v", r)
		}
		if r := e.do(t, "POST", "tokens", `{"username":"wang","password":"second-password"}`, remote("10.1.1.2:1")); r.status != 201 {
			t.Errorf("new password: %v", r)
		}
		if r := e.do(t, "DELETE", "teams/"+itoa(team), nil, adm); r.status != 204 {
			t.Errorf("delete team: %v", r)
		}

		// Topics.
		r = e.do(t, "POST", "topics", `{"name":"价格","name_en":"Price","sort_order":2}`, adm)
		if r.status != 201 || r.json(t)["active"] != true {
			t.Fatalf("create topic: %v", r)
		}
		topic := r.id(t)
		e.do(t, "PATCH", "topics/"+itoa(topic), `{"active":false}`, adm)
		if r := e.do(t, "GET", "topics?active=true", nil, adm); r.json(t)["total"] != float64(0) {
			t.Errorf("retired topic listed as active: %s", r.body)
		}
		if r := e.do(t, "GET", "topics/"+itoa(topic), nil, adm); r.json(t)["name_en"] != "Price" {
			t.Errorf("patch topic lost name_en: %s", r.body)
		}
		if r := e.do(t, "PUT", "topics/"+itoa(topic), `{"name":"价格"}`, adm); r.json(t)["name_en"] != "" || r.json(t)["active"] != true {
			t.Errorf("put topic: %s", r.body)
		}

		// Settings.
		r = e.do(t, "PATCH", "settings", `{"open_contact_all":true}`, adm)
		if c := r.json(t); r.status != 200 || c["open_contact_all"] != true || c["visibility"] != "team" {
			t.Errorf("patch settings: %v", r)
		}
		r = e.do(t, "PATCH", "settings", `{"opt_out_keywords":["R","   "," ","？"]}`, adm)
		if r.status != 400 || !strings.Contains(string(r.body), `"opt_out_keywords"`) {
			t.Errorf("bad opt-out keyword: %d %s", r.status, r.body)
		}
		r = e.do(t, "PATCH", "settings", `{"opt_out_keywords":["QX"," td ","TD"]}`, adm)
		if c := r.json(t); r.status != 200 || fmt.Sprint(c["opt_out_keywords"]) != "[QX td]" {
			t.Errorf("patch opt-out keywords: %s", r.body)
		}
		e.do(t, "PATCH", "settings", `{"visibility":"all","default_region":"US"}`, adm)
		r = e.do(t, "PUT", "settings", `{}`, adm)
		if c := r.json(t); c["open_contact_all"] != false || c["visibility"] != "team" || c["default_region"] != "CN" ||
			len(c["opt_out_keywords"].([]any)) != len(model.DefaultOptOutKeywords) {
			t.Errorf("put settings: %s", r.body)
		}
	})
}
