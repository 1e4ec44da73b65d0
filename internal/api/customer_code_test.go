package api

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// generatedCode is the form of a code Touchbase gives a customer.
var generatedCode = regexp.MustCompile(`^C[0-9A-HJKMNP-TV-Z]{10}$`)

// TestCustomerCodeProbesLearnNothing has a rep try, by creating and
// editing customers, the code of a customer they cannot see, one they can
// and a free one: every answer is the same, byte for byte, so the hidden
// customer stays hidden; nothing is written; and a rep's new customer gets
// a generated code. Admins, who see every customer, still choose codes and
// hear of conflicts.
func TestCustomerCodeProbesLearnNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s)
		e.settings(t, model.VisibilityOwn, false)
		adm := bearer(e.token(t, e.user(t, "boss", model.RoleAdmin, nil)))
		repUser := e.user(t, "rep", model.RoleAgent, nil)
		rep := bearer(e.token(t, repUser))
		other := e.user(t, "other", model.RoleAgent, nil)
		hidden := e.customer(t, &model.Customer{Code: "HID-1", Name: "Hidden", RepID: &other.ID})
		mine := e.customer(t, &model.Customer{Code: "MINE-1", Name: "Mine", RepID: &repUser.ID})
		if r := e.do(t, "GET", "customers/"+itoa(hidden.ID), nil, rep); r.status != 404 {
			t.Fatalf("the rep sees the hidden customer: %v", r)
		}
		probes := map[string]string{"hidden": "HID-1", "visible": "MINE-1", "free": "FREE-1"}

		// Each kind of request answers every probe alike.
		requests := []struct {
			name, method, path, body string
		}{
			{"create", "POST", "customers", `{"name":"Probe","code":"{CODE}"}`},
			{"replace", "PUT", "customers/" + itoa(mine.ID), `{"name":"Mine","code":"{CODE}","rep_id":` + itoa(repUser.ID) + `}`},
			{"patch", "PATCH", "customers/" + itoa(mine.ID), `{"code":"{CODE}"}`},
		}
		for _, rq := range requests {
			answers := map[string]*resp{}
			for kind, code := range probes {
				if rq.name != "create" && kind == "visible" {
					continue // the customer's own code: no change, see below
				}
				answers[kind] = e.do(t, rq.method, rq.path, strings.ReplaceAll(rq.body, "{CODE}", code), rep)
			}
			free := answers["free"]
			if code, field := free.errCode(t); free.status != 400 || code != "validation_failed" || field != "code" {
				t.Errorf("%s with a free code: %v", rq.name, free)
			}
			for kind, r := range answers {
				if r.status != free.status || string(r.body) != string(free.body) {
					t.Errorf("%s with the %s customer's code answers\n%v\nbut with a free code\n%v", rq.name, kind, r, free)
				}
			}
		}
		all, _, err := s.ListCustomers(ctx, permission.Policy{Admin: true}, storage.CustomerFilter{Limit: 100})
		if err != nil || len(all) != 2 {
			t.Fatalf("probes wrote customers: %d %v", len(all), err)
		}
		if got, _ := s.CustomerByID(ctx, permission.Policy{Admin: true}, mine.ID); got.Code != "MINE-1" {
			t.Errorf("the rep's customer has the code %q", got.Code)
		}

		// Keeping the code as it is, or leaving it out of a patch, is no
		// change; a new customer of the rep gets a generated code.
		if r := e.do(t, "PUT", "customers/"+itoa(mine.ID), `{"name":"Mine 2","code":"MINE-1","rep_id":`+itoa(repUser.ID)+`}`, rep); r.status != 200 {
			t.Errorf("replace keeping the code: %v", r)
		}
		if r := e.do(t, "PATCH", "customers/"+itoa(mine.ID), `{"notes":"n"}`, rep); r.status != 200 {
			t.Errorf("patch without the code: %v", r)
		}
		codes := map[string]bool{}
		for range 2 {
			r := e.do(t, "POST", "customers", `{"name":"New"}`, rep)
			code, _ := r.json(t)["code"].(string)
			if r.status != 201 || !generatedCode.MatchString(code) || codes[code] {
				t.Errorf("a rep's new customer: %v", r)
			}
			codes[code] = true
		}

		// Admins choose codes and are told of a taken one.
		if r := e.do(t, "POST", "customers", `{"name":"Dup","code":"HID-1"}`, adm); r.status != 409 {
			t.Errorf("admin, taken code: %v", r)
		}
		if r := e.do(t, "PATCH", "customers/"+itoa(mine.ID), `{"code":"MINE-2"}`, adm); r.status != 200 || r.json(t)["code"] != "MINE-2" {
			t.Errorf("admin sets a code: %v", r)
		}
		if r := e.do(t, "POST", "customers", `{"name":"Codeless"}`, adm); r.status != 201 || r.json(t)["code"] != "" {
			t.Errorf("an admin's customer without a code: %v", r)
		}
	})
}
