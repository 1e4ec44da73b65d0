package api

import (
	"context"
	"testing"

	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// fieldCode returns the code of the first field error of an error answer.
func fieldCode(t *testing.T, r *resp) (field, code string) {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	if len(fields) == 0 {
		t.Fatalf("no field errors: %v", r)
	}
	f := fields[0].(map[string]any)
	return f["field"].(string), f["code"].(string)
}

// TestPasswordPolicy: creating a user and setting a password refuse a
// common password and the username, naming the field and the reason.
func TestPasswordPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		adm := bearer(e.token(t, e.user(t, "boss", model.RoleAdmin, nil)))
		for _, tc := range []struct{ body, code string }{
			{`{"username":"zhangsan","role":"agent","password":"Password123"}`, "common_password"},
			{`{"username":"zhangsan","role":"agent","password":"woaini1314"}`, "common_password"},
			{`{"username":"zhangsan","role":"agent","password":"ZhangSan2024"}`, "same_as_username"},
			{`{"username":"zhangsan","role":"agent","password":"nasgnahz"}`, "same_as_username"},
			{`{"username":"zhangsan","role":"agent","password":"short"}`, "too_short"},
		} {
			r := e.do(t, "POST", "users", tc.body, adm)
			if field, code := fieldCode(t, r); r.status != 400 || field != "password" || code != tc.code {
				t.Errorf("POST /users %s: %v, want password/%s", tc.body, r, tc.code)
			}
		}
		r := e.do(t, "POST", "users", `{"username":"zhangsan","role":"agent","password":"a long sentence"}`, adm)
		if r.status != 201 {
			t.Fatalf("a good password: %v", r)
		}
		id := r.id(t)
		for pw, code := range map[string]string{"iloveyou": "common_password", "zhangsan1": "same_as_username"} {
			r := e.do(t, "PUT", "users/"+itoa(id)+"/password", `{"password":"`+pw+`"}`, adm)
			if field, got := fieldCode(t, r); r.status != 400 || field != "password" || got != code {
				t.Errorf("admin reset to %s: %v", pw, r)
			}
		}
		if r := e.do(t, "POST", "tokens", `{"username":"zhangsan","password":"a long sentence"}`); r.status != 201 {
			t.Errorf("a refused reset changed the password: %v", r)
		}
	})
}

// TestForcedPasswordChange: a user an admin requires to choose a new
// password gets 403 password_change_required on every call but GET /me and
// PUT /me/password, by token and by session; the change lifts it, and an
// admin's reset does not.
func TestForcedPasswordChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		adm := bearer(e.token(t, e.user(t, "boss", model.RoleAdmin, nil)))
		wang := e.user(t, "wang", model.RoleAgent, nil)
		tok := bearer(e.token(t, wang))
		if r := e.do(t, "PATCH", "users/"+itoa(wang.ID), `{"must_change_password":true}`, adm); r.status != 200 ||
			r.json(t)["must_change_password"] != true {
			t.Fatalf("admin sets the flag: %v", r)
		}
		sid, sess, err := e.app.Auth.StartSession(ctx, wang, "")
		if err != nil {
			t.Fatal(err)
		}
		ck := []reqOpt{cookie(sid), header(httpauth.CSRFHeader, sess.CSRFToken)}
		// A token issued now is as restricted as the old one.
		r := e.do(t, "POST", "tokens", `{"username":"wang","password":"`+testPassword+`"}`)
		if r.status != 201 {
			t.Fatalf("token for a user who must change the password: %v", r)
		}
		fresh := bearer(r.json(t)["token"].(string))
		for name, opts := range map[string][]reqOpt{"old token": {tok}, "new token": {fresh}, "session": ck} {
			for _, call := range [][2]string{{"GET", "customers"}, {"GET", "records"}, {"POST", "customers"},
				{"GET", "tokens"}, {"GET", "notifications"}} {
				var body any
				if call[0] == "POST" {
					body = `{"name":"X"}`
				}
				r := e.do(t, call[0], call[1], body, opts...)
				if code, _ := r.errCode(t); r.status != 403 || code != "password_change_required" {
					t.Errorf("%s %s by %s: %v", call[0], call[1], name, r)
				}
			}
			if r := e.do(t, "GET", "me", nil, opts...); r.status != 200 || r.json(t)["must_change_password"] != true {
				t.Errorf("GET /me by %s: %v", name, r)
			}
		}
		if all, _, _ := s.ListCustomers(ctx, permission.Policy{Admin: true}, storage.CustomerFilter{}); len(all) != 0 {
			t.Errorf("a refused call wrote customers: %d", len(all))
		}

		// The change itself: the current password is checked, and so is
		// the new one.
		r = e.do(t, "PUT", "me/password", `{"current_password":"wrong","password":"a brand new one"}`, ck...)
		if field, code := fieldCode(t, r); r.status != 400 || field != "current_password" || code != "wrong_password" {
			t.Errorf("wrong current password: %v", r)
		}
		r = e.do(t, "PUT", "me/password", `{"current_password":"`+testPassword+`","password":"Qwerty123"}`, ck...)
		if field, code := fieldCode(t, r); r.status != 400 || field != "password" || code != "common_password" {
			t.Errorf("a common new password: %v", r)
		}
		if r := e.do(t, "PUT", "me/password", `{"current_password":"`+testPassword+`","password":"a brand new one"}`, ck...); r.status != 204 {
			t.Fatalf("the change: %v", r)
		}
		// The change ends the sessions and revokes the tokens; a token
		// issued after it works.
		for name, opts := range map[string][]reqOpt{"old token": {tok}, "new token": {fresh}, "session": ck} {
			if r := e.do(t, "GET", "me", nil, opts...); r.status != 401 {
				t.Errorf("the %s outlived the change: %v", name, r)
			}
		}
		r = e.do(t, "POST", "tokens", `{"username":"wang","password":"a brand new one"}`)
		if r.status != 201 {
			t.Fatalf("token after the change: %v", r)
		}
		tok = bearer(r.json(t)["token"].(string))
		if r := e.do(t, "GET", "customers", nil, tok); r.status != 200 {
			t.Errorf("after the change, a new token: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, tok); r.json(t)["must_change_password"] != false {
			t.Errorf("after the change: %v", r)
		}

		// An admin's reset keeps the requirement (and revokes the token);
		// only the user lifts it, here with a token issued after the reset.
		e.do(t, "PATCH", "users/"+itoa(wang.ID), `{"must_change_password":true}`, adm)
		if r := e.do(t, "PUT", "users/"+itoa(wang.ID)+"/password", `{"password":"temporary words"}`, adm); r.status != 204 {
			t.Fatalf("admin reset: %v", r)
		}
		if r := e.do(t, "GET", "users/"+itoa(wang.ID), nil, adm); r.json(t)["must_change_password"] != true {
			t.Errorf("the reset lifted the requirement: %v", r)
		}
		if r := e.do(t, "GET", "me", nil, tok); r.status != 401 {
			t.Errorf("the token outlived the admin's reset: %v", r)
		}
		r = e.do(t, "POST", "tokens", `{"username":"wang","password":"temporary words"}`)
		if r.status != 201 {
			t.Fatalf("token after the reset: %v", r)
		}
		tok = bearer(r.json(t)["token"].(string))
		if r := e.do(t, "PUT", "me/password", `{"current_password":"temporary words","password":"words of my own"}`, tok); r.status != 204 {
			t.Errorf("the change by token: %v", r)
		}
		if r := e.do(t, "GET", "customers", nil, tok); r.status != 401 {
			t.Errorf("the token used for the change outlived it: %v", r)
		}
		if r := e.do(t, "GET", "users/"+itoa(wang.ID), nil, adm); r.json(t)["must_change_password"] != false {
			t.Errorf("the user's change did not lift the requirement: %v", r)
		}
	})
}
