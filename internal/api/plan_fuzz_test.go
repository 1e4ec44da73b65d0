package api

import (
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
)

// planSeeds are plan bodies to start from.
var planSeeds = []string{
	`{"customer_ids":[1],"contact_id":1,"title":"回访","notes":"n","topic_ids":[1],"due_at":"2099-01-01T09:00:00+08:00","remind_minutes":15,"remind_email":true}`,
	`{"customer_ids":[1,1,2],"title":"x","due_at":"2099-01-01T09:00:00Z","recurrence":{"freq":"weekly","weekdays":[1,3,5],"until":"2099-06-30"}}`,
	`{"owner_id":1,"customer_ids":[1],"title":"x","due_at":"2099-01-01T09:00:00Z","recurrence":{"freq":"monthly","month_day":31,"count":12}}`,
	`{"title":"x","due_at":"2099-01-01T09:00:00Z","recurrence":{"freq":"every_n_days","interval":0}}`, `{"due_at":"1999-01-01T00:00:00Z"}`,
	`{"title":"x","due_at":"9999-12-31T23:59:59Z","remind_minutes":43200}`, `{"title":"x","due_at":"2099-01-01","recurrence":null}`,
	`{"title":"x","due_at":"2099-01-01T09:00:00Z","recurrence":{"freq":"weekly","weekdays":[-1,99]}}`, `{"reason":"x"}`,
	`{"owner_id":1}`, `{"owner_id":-1}`, `{"due_at":"2099-01-01T09:00:00Z","remind_minutes":null}`, `{"reason":"\u0000"}`,
	`{"customer_ids":[-1,0,99999999999],"title":"x","due_at":"2099-01-01T09:00:00Z","contact_id":99}`,
}

// FuzzPlanBody posts arbitrary bodies to every plan endpoint that takes
// one: never a 5xx, and a 4xx leaves every table as it was.
func FuzzPlanBody(f *testing.F) {
	s := storetest.SQLite(f)
	e := newEnv(f, s)
	admin := e.user(f, "admin", model.RoleAdmin, nil)
	tok := bearer(e.token(f, admin))
	x := e.customer(f, &model.Customer{Name: "X Corp", Code: "X"})
	e.contact(f, &model.Contact{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678"})
	topic := &model.Topic{Name: "Renewal", Active: true}
	if err := s.CreateTopic(f.Context(), topic); err != nil {
		f.Fatal(err)
	}
	for _, seed := range append(planSeeds, fuzzSeeds...) {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// A fresh open plan each round, so a body that ends one does not
		// turn the rest into conflicts.
		r := e.do(t, "POST", "plans", `{"customer_ids":[`+itoa(x.ID)+`],"title":"seed","due_at":"2099-01-01T09:00:00Z","remind_minutes":5}`, tok)
		if r.status != 201 {
			t.Fatalf("seed plan: %v", r)
		}
		id := itoa(int64(r.json(t)["items"].([]any)[0].(map[string]any)["id"].(float64)))
		for _, call := range [][2]string{{"POST", "plans"}, {"PUT", "plans/" + id}, {"PATCH", "plans/" + id},
			{"POST", "plans/" + id + "/reschedule"}, {"POST", "plans/" + id + "/reassign"}, {"POST", "plans/" + id + "/cancel"},
			{"POST", "plans/" + id + "/close"}} {
			before := counts(t, s) + dump(t, s, `SELECT * FROM plans ORDER BY id`)
			r := e.do(t, call[0], call[1], body, tok)
			if r.status >= 500 || r.status < 200 {
				t.Fatalf("%s %s %q: %v", call[0], call[1], body, r)
			}
			if r.status >= 400 {
				if after := counts(t, s) + dump(t, s, `SELECT * FROM plans ORDER BY id`); after != before {
					t.Fatalf("%s %s %q answered %d but changed data", call[0], call[1], body, r.status)
				}
			}
		}
	})
}
