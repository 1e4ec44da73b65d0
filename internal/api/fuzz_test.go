package api

import (
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
)

// fuzzSeeds are bodies the fuzzers start from: valid, malformed and hostile.
var fuzzSeeds = []string{
	`{"name":"Acme","code":"F-1","level":"VIP","rep_id":null,"do_not_contact":true}`,
	`{"name":"Li Lei","mobile":"138 1234 5678","email":"li@example.com","primary":true}`,
	`{"name":"Acme"`, `{"name":}`, `{"name":5}`, `{"rep_id":"1"}`, `{"rep_id":1e99}`, `{"opt_out_sms":"yes"}`,
	`{"name":"A","id":1}`, "{\"name\":\"\xff\"}", `{"name":"\u0000"}`, `[]`, `null`, ``, `{"name":"A"}{}`,
	`{"name":"A","name":"B"}`, `{"NAME":"case"}`, `{"email":"a@b","mobile":"+0"}`, `{"code":"` + "\u202e" + `x"}`,
	`{"name":"` + string(make([]byte, 300)) + `"}`, `{"notes":"\ud800"}`, `{"mobile":"` + "１３８１２３４５６７８" + `"}`,
}

// fuzzBodies posts arbitrary bytes as bodies of the given calls: the answer
// is never a 5xx, always JSON, and a 4xx leaves the data as it was.
func fuzzBodies(f *testing.F, calls func(x *model.Customer, ct *model.Contact) [][2]string) {
	s := storetest.SQLite(f)
	e := newEnv(f, s)
	admin := e.user(f, "admin", model.RoleAdmin, nil)
	tok := bearer(e.token(f, admin))
	x := e.customer(f, &model.Customer{Name: "X Corp", Code: "X"})
	ct := e.contact(f, &model.Contact{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678"})
	for _, seed := range fuzzSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, call := range calls(x, ct) {
			before := counts(t, s) + dump(t, s, `SELECT * FROM customers WHERE id = $1`, x.ID) +
				dump(t, s, `SELECT * FROM contacts WHERE id = $1`, ct.ID)
			r := e.do(t, call[0], call[1], body, tok)
			if r.status >= 500 || r.status < 200 {
				t.Fatalf("%s %s %q: %v", call[0], call[1], body, r)
			}
			if r.status >= 400 {
				after := counts(t, s) + dump(t, s, `SELECT * FROM customers WHERE id = $1`, x.ID) +
					dump(t, s, `SELECT * FROM contacts WHERE id = $1`, ct.ID)
				if after != before {
					t.Fatalf("%s %s %q answered %d but changed data", call[0], call[1], body, r.status)
				}
			}
		}
	})
}

func FuzzCustomerBody(f *testing.F) {
	fuzzBodies(f, func(x *model.Customer, _ *model.Contact) [][2]string {
		return [][2]string{{"POST", "customers"}, {"PATCH", "customers/" + itoa(x.ID)}, {"PUT", "customers/by-code/FZ"}}
	})
}

func FuzzContactBody(f *testing.F) {
	fuzzBodies(f, func(x *model.Customer, ct *model.Contact) [][2]string {
		return [][2]string{{"POST", "customers/" + itoa(x.ID) + "/contacts"}, {"PUT", "contacts/" + itoa(ct.ID)},
			{"PATCH", "contacts/" + itoa(ct.ID)}}
	})
}
