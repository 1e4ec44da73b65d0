package api

import (
	"net/http"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestMalformedJSON(t *testing.T) {
	t.Parallel()
	huge := `{"name":"` + strings.Repeat("a", maxBody) + `"}`
	cases := []struct {
		name, body, code, field string
	}{
		{"empty", "", "empty_body", ""},
		{"blank", " \n ", "empty_body", ""},
		{"null", "null", "invalid_json", ""},
		{"array", `[{"name":"A"}]`, "invalid_json", ""},
		{"string", `"A"`, "invalid_json", ""},
		{"truncated value", `{"name":"Acme"`, "invalid_json", "name"},
		{"truncated after key", `{"name":`, "invalid_json", "name"},
		{"truncated key", `{"na`, "invalid_json", ""},
		{"missing value", `{"name": }`, "invalid_json", "name"},
		{"bad literal", `{"name":"A","notes":tru}`, "invalid_json", "notes"},
		{"trailing object", `{"name":"A"} {"name":"B"}`, "invalid_json", ""},
		{"trailing garbage", `{"name":"A"}x`, "invalid_json", ""},
		{"number for string", `{"name":5}`, "invalid_type", "name"},
		{"object for string", `{"name":{"x":1}}`, "invalid_type", "name"},
		{"string for bool", `{"name":"A","primary":"yes"}`, "invalid_type", "primary"},
		{"number for bool", `{"name":"A","opt_out_sms":1}`, "invalid_type", "opt_out_sms"},
		{"unknown field", `{"name":"A","nickname":"B"}`, "unknown_field", "nickname"},
		{"read-only field", `{"name":"A","id":5}`, "unknown_field", "id"},
		{"invalid UTF-8", "{\"name\":\"A\xff\xfe\"}", "invalid_utf8", "name"},
		{"invalid UTF-8 later", "{\"name\":\"A\",\"title\":\"\xc3\"}", "invalid_utf8", "title"},
		{"NUL", `{"name":"A\u0000B"}`, "invalid_text", "name"},
		{"huge body", huge, "body_too_large", ""},
	}
	customerCases := []struct {
		name, body, code, field string
	}{
		{"string for id", `{"name":"A","rep_id":"7"}`, "invalid_type", "rep_id"},
		{"fraction for id", `{"name":"A","rep_id":1.5}`, "invalid_type", "rep_id"},
		{"overflowing id", `{"name":"A","rep_id":99999999999999999999}`, "invalid_type", "rep_id"},
		{"string for bool", `{"name":"A","do_not_contact":"true"}`, "invalid_type", "do_not_contact"},
		{"array for string", `{"name":["A"]}`, "invalid_type", "name"},
		{"unknown field", `{"name":"A","contact_count":3}`, "unknown_field", "contact_count"},
		{"NUL in code", `{"name":"A","code":"\u0000"}`, "invalid_text", "code"},
		{"invalid UTF-8", "{\"notes\":\"\xff\",\"name\":\"A\"}", "invalid_utf8", "notes"},
		{"truncated", `{"name":"A","level":"V`, "invalid_json", "level"},
		{"huge body", huge, "body_too_large", ""},
	}
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		tok := bearer(e.token(t, admin))
		x := e.customer(t, &model.Customer{Name: "X Corp", Code: "X"})
		cx := e.contact(t, &model.Contact{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678"})
		state := func() string {
			return counts(t, s) + dump(t, s, `SELECT * FROM customers ORDER BY id`) + dump(t, s, `SELECT * FROM contacts ORDER BY id`)
		}
		check := func(name, method, path, body, code, field string) {
			t.Helper()
			before := state()
			r := e.do(t, method, path, body, tok)
			gotCode, gotField := r.errCode(t)
			if r.status != http.StatusBadRequest || gotCode != code || gotField != field {
				t.Errorf("%s %s %s: %d %s field %q, want 400 %s field %q\n%.300s", method, path, name, r.status, gotCode, gotField, code, field, r.body)
			}
			if after := state(); after != before {
				t.Errorf("%s %s %s: data changed", method, path, name)
			}
		}
		for _, c := range cases {
			check(c.name, "POST", "customers/"+itoa(x.ID)+"/contacts", c.body, c.code, c.field)
			check(c.name, "PUT", "contacts/"+itoa(cx.ID), c.body, c.code, c.field)
			check(c.name, "PATCH", "contacts/"+itoa(cx.ID), c.body, c.code, c.field)
		}
		for _, c := range customerCases {
			check(c.name, "POST", "customers", c.body, c.code, c.field)
			check(c.name, "PUT", "customers/"+itoa(x.ID), c.body, c.code, c.field)
			check(c.name, "PATCH", "customers/"+itoa(x.ID), c.body, c.code, c.field)
			check(c.name, "PUT", "customers/by-code/X", c.body, c.code, c.field)
		}
		// Other bodies go through the same decoder.
		check("string for id", "POST", "customers/"+itoa(x.ID)+"/relations", `{"user_id":"1","kind":"sharer"}`, "invalid_type", "user_id")
		check("wrong type", "POST", "users", `{"username":"u1","role":"agent","password":"long-enough","active":"yes"}`, "invalid_type", "active")
		check("unknown field", "POST", "teams", `{"name":"T","members":[]}`, "unknown_field", "members")
		check("wrong type", "PATCH", "settings", `{"open_contact_all":"on"}`, "invalid_type", "open_contact_all")
		check("wrong type", "POST", "topics", `{"name":"T","sort_order":"1"}`, "invalid_type", "sort_order")
		check("wrong type", "POST", "tokens", `{"username":1,"password":"x"}`, "invalid_type", "username")
	})
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		agent := e.user(t, "agent", model.RoleAgent, nil)
		sharer := e.user(t, "sharer", model.RoleAgent, nil)
		adm, ag, sh := bearer(e.token(t, admin)), bearer(e.token(t, agent)), bearer(e.token(t, sharer))
		e.settings(t, model.VisibilityOwn, false)
		x := e.customer(t, &model.Customer{Name: "X Corp", Code: "X"}) // no rep: invisible to agents
		cx := e.contact(t, &model.Contact{CustomerID: x.ID, Name: "Li Lei"})
		y := e.customer(t, &model.Customer{Name: "Y Corp", Code: "Y"})
		if err := s.SetRelation(t.Context(), &model.Relation{CustomerID: y.ID, UserID: sharer.ID, Kind: model.RelationSharer}); err != nil {
			t.Fatal(err)
		}

		expect := func(r *resp, status int, code, field string) {
			t.Helper()
			gotCode, gotField := r.errCode(t)
			if r.status != status || gotCode != code || gotField != field {
				t.Errorf("%d %s field %q, want %d %s field %q: %s", r.status, gotCode, gotField, status, code, field, r.body)
			}
		}

		// Validation: 400 naming the first field, all of them in fields.
		r := e.do(t, "POST", "customers", `{}`, adm)
		expect(r, 400, "validation_failed", "name")
		r = e.do(t, "POST", "customers/"+itoa(y.ID)+"/contacts", `{"name":" ","mobile":"12345","email":"nope"}`, adm)
		expect(r, 400, "validation_failed", "name")
		var fields []string
		for _, f := range r.json(t)["error"].(map[string]any)["fields"].([]any) {
			fields = append(fields, f.(map[string]any)["field"].(string)+":"+f.(map[string]any)["code"].(string))
		}
		if got := strings.Join(fields, ","); got != "name:required,mobile:invalid_mobile,email:invalid_email" {
			t.Errorf("fields = %s", got)
		}
		expect(e.do(t, "POST", "customers/"+itoa(y.ID)+"/relations", `{"user_id":`+itoa(agent.ID)+`,"kind":"owner"}`, adm), 400, "validation_failed", "kind")
		expect(e.do(t, "POST", "customers/"+itoa(y.ID)+"/relations", `{"user_id":999999,"kind":"sharer"}`, adm), 400, "validation_failed", "user_id")
		expect(e.do(t, "PATCH", "users/"+itoa(admin.ID), `{"role":"agent"}`, adm), 400, "validation_failed", "role")
		expect(e.do(t, "POST", "users", `{"username":"new","role":"agent","password":"short"}`, adm), 400, "validation_failed", "password")
		expect(e.do(t, "PUT", "settings", `{"visibility":"world"}`, adm), 400, "validation_failed", "visibility")
		expect(e.do(t, "PATCH", "customers/"+itoa(y.ID), `{"rep_id":999999}`, adm), 400, "validation_failed", "rep_id")
		expect(e.do(t, "POST", "customers", `{"name":"Mine","rep_id":`+itoa(admin.ID)+`}`, ag), 400, "validation_failed", "rep_id")
		expect(e.do(t, "PUT", "customers/by-code/Z", `{"name":"Z","code":"other"}`, adm), 400, "validation_failed", "code")

		// Conflicts: 409 naming the field, checked before validation.
		for path, body := range map[string]string{"customers": `{"name":"Dup","code":"DUP"}`, "teams": `{"name":"T"}`, "topics": `{"name":"Price"}`} {
			if r := e.do(t, "POST", path, body, adm); r.status != 201 {
				t.Fatalf("create %s: %v", path, r)
			}
		}
		before := counts(t, s) + dump(t, s, `SELECT * FROM customers ORDER BY id`)
		expect(e.do(t, "POST", "customers", `{"name":"Dup 2","code":"DUP"}`, adm), 409, "conflict", "code")
		expect(e.do(t, "PATCH", "customers/"+itoa(y.ID), `{"code":"DUP"}`, adm), 409, "conflict", "code")
		expect(e.do(t, "POST", "users", `{"username":"agent","role":"agent","password":"long-enough"}`, adm), 409, "conflict", "username")
		expect(e.do(t, "POST", "teams", `{"name":"T"}`, adm), 409, "conflict", "name")
		expect(e.do(t, "POST", "topics", `{"name":"Price"}`, adm), 409, "conflict", "name")
		if after := counts(t, s) + dump(t, s, `SELECT * FROM customers ORDER BY id`); after != before {
			t.Errorf("conflicts changed data:\n%s\n%s", before, after)
		}

		// 401, 403, 404.
		expect(e.do(t, "GET", "customers", nil), 401, "unauthenticated", "")
		expect(e.do(t, "PATCH", "customers/"+itoa(y.ID), `{"notes":"n"}`, sh), 403, "forbidden", "")
		expect(e.do(t, "POST", "topics", `{"name":"T"}`, ag), 403, "forbidden", "")
		missing := e.do(t, "GET", "customers/999999", nil, ag)
		hidden := e.do(t, "GET", "customers/"+itoa(x.ID), nil, ag)
		expect(missing, 404, "not_found", "")
		if string(missing.body) != string(hidden.body) || missing.status != hidden.status {
			t.Errorf("an invisible customer answers differently from a missing one:\n%s\n%s", missing.body, hidden.body)
		}
		for _, p := range []string{"customers/" + itoa(x.ID) + "/contacts", "customers/" + itoa(x.ID) + "/relations", "contacts/" + itoa(cx.ID)} {
			expect(e.do(t, "GET", p, nil, ag), 404, "not_found", "")
		}
		expect(e.do(t, "PUT", "contacts/"+itoa(cx.ID), `{"name":"x"}`, ag), 404, "not_found", "")
		expect(e.do(t, "POST", "customers/"+itoa(x.ID)+"/contacts", `{"name":"x"}`, ag), 404, "not_found", "")
		expect(e.do(t, "GET", "users/999999", nil, ag), 404, "not_found", "")
		expect(e.do(t, "GET", "teams/999999", nil, ag), 404, "not_found", "")
		expect(e.do(t, "GET", "topics/999999", nil, ag), 404, "not_found", "")
		expect(e.do(t, "DELETE", "customers/"+itoa(y.ID)+"/relations/"+itoa(agent.ID), nil, adm), 404, "not_found", "")
		if r := e.do(t, "GET", "contacts?q=Li", nil, ag); len(r.json(t)["items"].([]any)) != 0 {
			t.Errorf("contact search shows contacts of an invisible customer: %s", r.body)
		}

		// Bad path ids and query parameters.
		for _, p := range []string{"customers/abc", "customers/0", "customers/-1", "customers/99999999999999999999", "customers/1.5"} {
			expect(e.do(t, "GET", p, nil, ag), 400, "invalid_id", "id")
		}
		expect(e.do(t, "DELETE", "customers/1/relations/x", nil, adm), 400, "invalid_id", "user_id")
		expect(e.do(t, "PUT", "customers/by-code/a%00b", `{"name":"N"}`, adm), 400, "invalid_parameter", "code")
		for q, field := range map[string]string{"limit=0": "limit", "limit=501": "limit", "limit=x": "limit", "offset=-1": "offset",
			"mine=maybe": "mine", "rep_id=abc": "rep_id", "q=%ff": "q", "q=" + strings.Repeat("a", 201): "q"} {
			expect(e.do(t, "GET", "customers?"+q, nil, ag), 400, "invalid_parameter", field)
		}
		expect(e.do(t, "GET", "contacts?customer_id=0", nil, ag), 400, "invalid_parameter", "customer_id")
		expect(e.do(t, "GET", "users?active=sometimes", nil, ag), 400, "invalid_parameter", "active")

		// Unknown endpoints and methods.
		expect(e.do(t, "GET", "nothing-here", nil, ag), 404, "not_found", "")
		r = e.do(t, "DELETE", "me", nil, ag)
		expect(r, 405, "method_not_allowed", "")
		if allow := r.header.Get("Allow"); allow != "GET" {
			t.Errorf("Allow = %q, want GET", allow)
		}
		if allow := e.do(t, "POST", "customers/1", "{}", ag).header.Get("Allow"); allow != "GET, PUT, PATCH, DELETE" {
			t.Errorf("Allow = %q", allow)
		}
	})
}

func TestUnexpectedErrorIs500(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	e := newEnv(t, s)
	e.user(t, "admin", model.RoleAdmin, nil)
	s.Close()
	r := e.do(t, "POST", "tokens", `{"username":"admin","password":"password-1"}`)
	code, _ := r.errCode(t)
	if r.status != 500 || code != "internal" || r.json(t)["error"].(map[string]any)["message"] != "internal error" {
		t.Fatalf("closed database: %v", r)
	}
	if strings.Contains(string(r.body), "sql") || !strings.Contains(e.logs.String(), "api request failed") {
		t.Errorf("the cause leaked to the client or was not logged: %s / %s", r.body, e.logs.String())
	}
}
