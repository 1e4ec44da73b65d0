package api

import (
	"strings"
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

// singleSeeds are single-contact bodies to start from.
var singleSeeds = []string{
	`{"title":"续费","topic_ids":[1],"summary":"s","sms":{"text":"{{contact.name}}您好"}}`,
	`{"title":"x","email":{"subject":"{{customer.name}}","body":"Dear {{contact.name}},\n\n<b>hi</b>"}}`,
	`{"title":"x","sms":{"text":"a"},"email":{"subject":"s","body":"b"},"plan_id":3}`,
	`{"title":"x","sms":{"text":"{{contact.age}}"}}`, `{"title":"x","sms":{"text":"{{"}}`, `{"title":"x","sms":null}`,
	`{"title":"x","sms":{"text":5}}`, `{"title":"x","sms":"t"}`, `{"title":"x","topic_ids":[-1,0,99999999999]}`,
	`{"title":"x","plan_id":0,"sms":{"text":"a"}}`, `{"title":"\u0000","sms":{"text":"a"}}`,
	`{"title":"x","email":{"subject":"s","body":"\ud800"}}`, `{"title":"x","sms":{"text":"a"}`, `{}`, ``,
	`{"title":"x","sms":{"text":"` + strings.Repeat("長", 1001) + `"}}`, `{"title":"x","sms":{"text":"a","x":1}}`,
}

// FuzzSingleContactBody posts arbitrary single-contact bodies: never a
// 5xx; a 4xx leaves everything as it was; a 200 wrote exactly one
// delivery per result and one record and outbox message per sent one.
func FuzzSingleContactBody(f *testing.F) {
	s := storetest.SQLite(f)
	e := newEnv(f, s)
	admin := e.user(f, "admin", model.RoleAdmin, nil)
	tok := bearer(e.token(f, admin))
	x := e.customer(f, &model.Customer{Name: "X Corp", Code: "X"})
	ct := e.contact(f, &model.Contact{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678", Email: "li@example.com"})
	topic := &model.Topic{Name: "Renewal", Active: true}
	if err := s.CreateTopic(f.Context(), topic); err != nil {
		f.Fatal(err)
	}
	for _, seed := range append(singleSeeds, fuzzSeeds...) {
		f.Add([]byte(seed))
	}
	path := "contacts/" + itoa(ct.ID) + "/contact"
	table := func(t *testing.T, name string) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM `+name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := counts(t, s) + dump(t, s, `SELECT * FROM deliveries ORDER BY id`)
		recs, dels, outbox := table(t, "contact_records"), table(t, "deliveries"), table(t, "outbox_messages")
		if r := e.do(t, "POST", path+"/preview", body, tok); r.status >= 500 {
			t.Fatalf("preview %q: %v", body, r)
		}
		if after := counts(t, s) + dump(t, s, `SELECT * FROM deliveries ORDER BY id`); after != before {
			t.Fatalf("preview %q changed data", body)
		}
		r := e.do(t, "POST", path, body, tok)
		switch {
		case r.status >= 500 || r.status < 200:
			t.Fatalf("%q: %v", body, r)
		case r.status >= 400:
			if after := counts(t, s) + dump(t, s, `SELECT * FROM deliveries ORDER BY id`); after != before {
				t.Fatalf("%q answered %d but changed data", body, r.status)
			}
			return
		}
		results := r.json(t)["results"].([]any)
		sent := 0
		for _, x := range results {
			res := x.(map[string]any)
			if res["status"] != "sent" {
				t.Fatalf("%q: the outbox refused: %s", body, r.body)
			}
			sent++
			id, ok := res["record_id"].(float64)
			if !ok {
				t.Fatalf("%q: sent without a record: %s", body, r.body)
			}
			if d := dump(t, s, `SELECT status, record_id FROM deliveries WHERE id = $1`, int64(res["delivery_id"].(float64))); d != "sent "+itoa(int64(id))+"\n" {
				t.Fatalf("%q: delivery %q", body, d)
			}
		}
		if len(results) == 0 || table(t, "deliveries") != dels+len(results) || table(t, "contact_records") != recs+sent ||
			table(t, "outbox_messages") != outbox+sent {
			t.Fatalf("%q: %d results, but deliveries %d→%d, records %d→%d, outbox %d→%d", body, len(results),
				dels, table(t, "deliveries"), recs, table(t, "contact_records"), outbox, table(t, "outbox_messages"))
		}
	})
}

// bulkSeeds are bulk-send bodies to start from.
var bulkSeeds = []string{
	`{"title":"活动","topic_ids":[1],"summary":"s","sms_text":"{{contact.name}}您好","recipients":{"q":"X"}}`,
	`{"title":"x","email_subject":"{{customer.name}}","email_body":"Dear {{contact.name|客户}}","scheduled_at":"2099-01-01T08:00:00+08:00","recipients":{"has_email":true}}`,
	`{"title":"x","sms_text":"a","recipients":{"contact_ids":[1,2,2,99999999999]}}`,
	`{"title":"x","sms_text":"a","recipients":{"q":"%_\\","level":"VIP","industry":"IT","team_id":1,"rep_id":1,"topic_id":1,"exclude_ids":[1]}}`,
	`{"title":"x","sms_text":"a","recipients":{"contact_ids":[1],"q":"X"}}`, `{"title":"x","sms_text":"a","recipients":{"contact_ids":[]}}`,
	`{"title":"x","sms_text":"a","scheduled_at":"1999-01-01T00:00:00Z","recipients":{}}`, `{"title":"x","sms_text":"a","scheduled_at":"9999-12-31T23:59:59Z","recipients":{}}`,
	`{"title":"x","sms_text":"{{","recipients":{}}`, `{"title":"x","recipients":{}}`, `{"channels":["sms","fax"],"recipients":{}}`,
	`{"title":"x","sms_text":"a","topic_ids":[1,1,-1],"recipients":{"team_id":-5}}`, `{"title":"x","sms_text":"a","recipients":{"rep_id":1e99}}`,
	`{"title":"x","sms_text":"a","recipients":{"q":"\u0000"}}`, `{"title":"x","sms_text":"a","recipients":[]}`, `{"recipients":{}}`,
}

// FuzzBulkSendBody posts arbitrary bodies to the bulk send and its
// preview: never a 5xx; a 4xx (and any preview) leaves everything as it
// was; a 201 stored exactly one send, with recipients and its jobs.
func FuzzBulkSendBody(f *testing.F) {
	s := storetest.SQLite(f)
	e := newEnv(f, s)
	admin := e.user(f, "admin", model.RoleAdmin, nil)
	tok := bearer(e.token(f, admin))
	x := e.customer(f, &model.Customer{Name: "X Corp", Code: "X", Level: "VIP"})
	for _, ct := range []*model.Contact{{CustomerID: x.ID, Name: "Li Lei", Mobile: "+8613812345678", Email: "li@example.com"},
		{CustomerID: x.ID, Name: "Han Mei", Mobile: "+8613812345679", OptOutSMS: true}} {
		e.contact(f, ct)
	}
	topic := &model.Topic{Name: "Renewal", Active: true}
	if err := s.CreateTopic(f.Context(), topic); err != nil {
		f.Fatal(err)
	}
	for _, seed := range append(bulkSeeds, fuzzSeeds...) {
		f.Add([]byte(seed))
	}
	table := func(t *testing.T, query string) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(t.Context(), query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := counts(t, s)
		if r := e.do(t, "POST", "bulk-sends/preview", body, tok); r.status >= 500 || r.status < 200 {
			t.Fatalf("preview %q: %v", body, r)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("preview %q changed data", body)
		}
		jobsOf := func(kind string) int { return table(t, `SELECT count(*) FROM river_job WHERE kind = '`+kind+`'`) }
		sends, starts, dispatches := table(t, `SELECT count(*) FROM bulk_sends`), jobsOf("bulk_start"), jobsOf("bulk_dispatch")
		r := e.do(t, "POST", "bulk-sends", body, tok)
		switch {
		case r.status >= 500 || r.status < 200:
			t.Fatalf("%q: %v", body, r)
		case r.status >= 400:
			if after := counts(t, s); after != before {
				t.Fatalf("%q answered %d but changed data", body, r.status)
			}
			return
		}
		id, b := r.id(t), r.json(t)
		if table(t, `SELECT count(*) FROM bulk_sends`) != sends+1 ||
			table(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = `+itoa(id)) == 0 {
			t.Fatalf("%q: 201 but the send or its recipients are missing: %s", body, r.body)
		}
		// A later send waits in one start job; a send due now has its
		// dispatch slots, the same number for each of its channels.
		newStarts, newDispatches := jobsOf("bulk_start")-starts, jobsOf("bulk_dispatch")-dispatches
		channels, _ := b["channels"].([]any)
		switch b["status"] {
		case model.BulkScheduled:
			if newStarts != 1 || newDispatches != 0 {
				t.Fatalf("%q: a scheduled send queued %d start and %d dispatch jobs", body, newStarts, newDispatches)
			}
		case model.BulkRunning:
			if newStarts != 0 || len(channels) == 0 || newDispatches == 0 || newDispatches%len(channels) != 0 {
				t.Fatalf("%q: a send due now (%d channels) queued %d start and %d dispatch jobs", body, len(channels), newStarts, newDispatches)
			}
		default:
			t.Fatalf("%q: created with status %v", body, b["status"])
		}
	})
}
