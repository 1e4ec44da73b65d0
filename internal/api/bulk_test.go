package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// bulkWorld is an operator with n contacts on a customer they serve, the
// awkward contacts a selection meets, a manager and a teammate, and an SMS
// webhook receiver that refuses some numbers. The River workers and the
// notification centre run.
type bulkWorld struct {
	e                      *env
	admin, op, mgr, mate   *model.User
	adm, opt, mg, mt       reqOpt
	mine, dnc, others      *model.Customer
	contacts               []*model.Contact // the n plain ones, in id order
	optedOut, noAddr, dupe *model.Contact
	topic                  *model.Topic
	hook                   *smsHook
}

func newBulkWorld(t *testing.T, s *storage.Store, n int) *bulkWorld {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t, s)
	e.live(t)
	w := &bulkWorld{e: e}
	team := &model.Team{Name: "一组"}
	if err := s.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	w.admin = e.user(t, "admin", model.RoleAdmin, nil)
	w.op = e.user(t, "op", model.RoleAgent, team)
	w.mgr = e.user(t, "mgr", model.RoleAgent, nil)
	w.mate = e.user(t, "mate", model.RoleAgent, team)
	team.ManagerID = &w.mgr.ID
	if err := s.UpdateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	w.adm, w.opt, w.mg, w.mt = bearer(e.token(t, w.admin)), bearer(e.token(t, w.op)), bearer(e.token(t, w.mgr)), bearer(e.token(t, w.mate))
	e.settings(t, model.VisibilityOwn, false)
	w.mine = e.customer(t, &model.Customer{Name: "恒信科技", Code: "HX", RepID: &w.op.ID})
	w.dnc = e.customer(t, &model.Customer{Name: "恒信勿扰", Code: "HXD", RepID: &w.op.ID, DoNotContact: true})
	w.others = e.customer(t, &model.Customer{Name: "恒信别家", Code: "HXO", RepID: &w.mate.ID})
	err := s.InBatch(ctx, func(b *storage.Batch) error {
		for i := range n {
			ct := &model.Contact{CustomerID: w.mine.ID, Name: fmt.Sprintf("联系人%d", i), Mobile: fmt.Sprintf("+86138%08d", i),
				Email: fmt.Sprintf("c%d@example.cn", i)}
			if err := b.CreateContact(ctx, ct); err != nil {
				return err
			}
			w.contacts = append(w.contacts, ct)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.optedOut = e.contact(t, &model.Contact{CustomerID: w.mine.ID, Name: "退订", Mobile: "+8613900000001", Email: "o@example.cn",
		OptOutSMS: true, OptOutEmail: true})
	w.noAddr = e.contact(t, &model.Contact{CustomerID: w.mine.ID, Name: "无地址"})
	w.dupe = e.contact(t, &model.Contact{CustomerID: w.mine.ID, Name: "重复", Mobile: w.contacts[0].Mobile, Email: w.contacts[0].Email})
	e.contact(t, &model.Contact{CustomerID: w.dnc.ID, Name: "勿扰", Mobile: "+8613900000002", Email: "d@example.cn"})
	e.contact(t, &model.Contact{CustomerID: w.others.ID, Name: "看不见", Mobile: "+8613900000003", Email: "x@example.cn"})
	w.topic = &model.Topic{Name: "活动通知", NameEN: "Events", Active: true}
	if err := s.CreateTopic(ctx, w.topic); err != nil {
		t.Fatal(err)
	}
	w.hook = newSMSHook(t)
	return w
}

// useHook routes SMS through the webhook receiver (set by an admin through
// the API, as in production).
func (w *bulkWorld) useHook(t *testing.T) {
	t.Helper()
	r := w.e.do(t, "PUT", "channels/sms", `{"provider":"webhook","config":{"url":"`+w.hook.srv.URL+`","secret":"s3cret"}}`, w.adm)
	if r.status != 200 {
		t.Fatalf("configure the SMS webhook: %v", r)
	}
}

// waitStatus polls GET /bulk-sends/{id} until the send has status, and
// returns the last answer.
func (w *bulkWorld) waitStatus(t *testing.T, id int64, status string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		b := w.e.do(t, "GET", "bulk-sends/"+itoa(id), nil, w.opt).json(t)
		if b["status"] == status {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("bulk send %d is still %v, want %s: %v (pause %v)", id, b["status"], status, b["counts"], b["pause"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// idle waits until no bulk dispatch job is waiting or running.
func (w *bulkWorld) idle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := w.e.store.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'bulk_dispatch' AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d dispatch jobs still waiting or running", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// smsHook is an SMS webhook receiver that refuses the numbers in refused
// (while refusing is on) and accepts every other message, recording refs.
type smsHook struct {
	srv      *httptest.Server
	refusing atomic.Bool
	throttle atomic.Int32 // requests still to answer 429, before any is read
	mu       sync.Mutex
	refused  map[string]bool
	accepted map[string]int // by ref
	calls    int
}

func newSMSHook(t *testing.T) *smsHook {
	h := &smsHook{refused: map[string]bool{}, accepted: map[string]int{}}
	h.refusing.Store(true)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.throttle.Add(-1) >= 0 {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		var req struct {
			Messages []struct{ Ref, To, Text string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		type result struct {
			Ref   string         `json:"ref"`
			ID    string         `json:"id,omitempty"`
			Error map[string]any `json:"error,omitempty"`
		}
		out := struct {
			Results []result `json:"results"`
		}{}
		h.mu.Lock()
		h.calls++
		for _, m := range req.Messages {
			if h.refusing.Load() && h.refused[m.To] {
				out.Results = append(out.Results, result{Ref: m.Ref, Error: map[string]any{"code": "invalid_mobile",
					"message": "number does not exist", "transient": false}})
				continue
			}
			h.accepted[m.Ref]++
			out.Results = append(out.Results, result{Ref: m.Ref, ID: "wh-" + m.Ref})
		}
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out) //nolint:errcheck
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *smsHook) refuse(numbers ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range numbers {
		h.refused[n] = true
	}
}

// tally returns the messages accepted and whether any ref was accepted twice.
func (h *smsHook) tally() (accepted int, twice bool, calls int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range h.accepted {
		accepted += n
		twice = twice || n > 1
	}
	return accepted, twice, h.calls
}

func countsOf(t *testing.T, b map[string]any) model.Counts {
	t.Helper()
	raw, _ := json.Marshal(b["counts"])
	var c model.Counts
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBulkSendByFilter is the bulk contact journey through the API: a
// filter selection of 1,000 contacts in a body of a few hundred bytes,
// previewed with its skip reasons and a sample SMS, delivered through a
// webhook that refuses some numbers, traced to each failure with its
// reason, exported, announced to the operator and retried.
func TestBulkSendByFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		const n = 1000
		w := newBulkWorld(t, s, n)
		w.useHook(t)
		var refused []string
		for i := 13; i < n; i += 100 {
			refused = append(refused, w.contacts[i].Mobile)
		}
		w.hook.refuse(refused...)
		sms := `{{contact.name}}您好，{{customer.name}}邀您参加活动。`

		// Preview: per channel, who is sent to and who is skipped, why.
		r := w.e.do(t, "POST", "bulk-sends/preview", `{"sms_text":"`+sms+`","recipients":{"q":"恒信"}}`, w.opt)
		if r.status != 200 {
			t.Fatalf("preview: %v", r)
		}
		var pv struct {
			Channels []struct {
				Channel              string
				Total, Send, Skipped int
				SkippedByReason      map[string]int `json:"skipped_by_reason"`
			}
			SMS *struct {
				Recipient struct {
					ContactName string `json:"contact_name"`
				}
				Text, Encoding  string
				Chars, Segments int
			}
			Email  any
			Errors []any
		}
		if err := json.Unmarshal(r.body, &pv); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{model.SkipOptedOut: 1, model.SkipDoNotContact: 1, model.SkipNoAddress: 1, model.SkipDuplicate: 1,
			model.SkipFrequencyCap: 0}
		if len(pv.Channels) != 1 || pv.Channels[0].Channel != "sms" || pv.Channels[0].Send != n || pv.Channels[0].Skipped != 4 ||
			pv.Channels[0].Total != n+4 || fmt.Sprint(pv.Channels[0].SkippedByReason) != fmt.Sprint(want) {
			t.Errorf("preview counts: %s", r.body)
		}
		if pv.SMS == nil || pv.SMS.Text != "联系人0您好，恒信科技邀您参加活动。" || pv.SMS.Encoding != "UCS-2" ||
			pv.SMS.Segments != 1 || pv.SMS.Recipient.ContactName != "联系人0" || pv.Email != nil || len(pv.Errors) != 0 {
			t.Errorf("preview sample: %s", r.body)
		}
		r = w.e.do(t, "POST", "bulk-sends/preview", `{"channels":["sms","email"],"recipients":{"q":"恒信","exclude_ids":[`+
			itoa(w.dupe.ID)+`]},"sms_text":"`+strings.Repeat("{{customer.name}}", 30)+`","email_body":"{{oops}}"}`, w.opt)
		if err := json.Unmarshal(r.body, &pv); err != nil || r.status != 200 {
			t.Fatalf("preview of both: %v", r)
		}
		if len(pv.Channels) != 2 || pv.Channels[1].Channel != "email" || pv.Channels[1].Send != n ||
			pv.Channels[1].SkippedByReason[model.SkipDuplicate] != 0 || pv.SMS.Segments != 2 || len(pv.Errors) != 1 {
			t.Errorf("preview of both channels, dupe excluded: %s", r.body)
		}

		// Create: the selection is a filter, not 1,000 ids.
		body := `{"title":"双十一活动","topic_ids":[` + itoa(w.topic.ID) + `],"summary":"活动邀请","sms_text":"` + sms +
			`","scheduled_at":null,"recipients":{"q":"恒信"}}`
		if len(body) > 300 {
			t.Fatalf("the body of a 1,000-recipient send is %d bytes", len(body))
		}
		r = w.e.do(t, "POST", "bulk-sends", body, w.opt)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		created := r.json(t)
		id := r.id(t)
		if c := countsOf(t, created); c != (model.Counts{Total: n + 4, Pending: n, Skipped: 4}) || r.header.Get("Location") != Prefix+"/bulk-sends/"+itoa(id) ||
			created["selection"].(map[string]any)["q"] != "恒信" || created["user_id"] != float64(w.op.ID) {
			t.Errorf("created: %v %s", r.header, r.body)
		}

		done := w.waitStatus(t, id, model.BulkDone)
		if c := countsOf(t, done); c != (model.Counts{Total: n + 4, Sent: n - 10, Failed: 10, Skipped: 4}) {
			t.Fatalf("done: %+v", c)
		}
		if accepted, twice, _ := w.hook.tally(); accepted != n-10 || twice {
			t.Fatalf("the receiver accepted %d messages (twice: %v), want %d", accepted, twice, n-10)
		}
		// The send's records reach the keyword index once it is done, and
		// a keyword search finds each of them once.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			queued, err := s.QueuedRecords(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if queued == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d records still wait for the keyword index", queued)
			}
		}
		var found int
		for path := "records?limit=500&q=" + url.QueryEscape("邀您参加"); path != ""; {
			p := w.e.do(t, "GET", path, nil, w.adm).json(t)
			found += len(p["items"].([]any))
			path = ""
			if next, ok := p["next_cursor"].(string); ok && next != "" {
				path = "records?limit=500&q=" + url.QueryEscape("邀您参加") + "&cursor=" + next
			}
		}
		if found != n-10 {
			t.Fatalf("a keyword search finds %d of the send's %d records", found, n-10)
		}

		// Bulk contact records: the list, with its counts; the manager
		// sees it too, the teammate does not.
		for who, opt := range map[string]reqOpt{"operator": w.opt, "manager": w.mg, "admin": w.adm} {
			items := w.e.do(t, "GET", "bulk-sends?limit=5", nil, opt).json(t)["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["id"] != float64(id) ||
				items[0].(map[string]any)["counts"].(map[string]any)["failed"] != float64(10) ||
				len(items[0].(map[string]any)["topic_ids"].([]any)) != 1 {
				t.Errorf("list as %s: %v", who, items)
			}
		}
		if items := w.e.do(t, "GET", "bulk-sends", nil, w.mt).json(t)["items"].([]any); len(items) != 0 {
			t.Errorf("the teammate lists %v", items)
		}

		// Drill-down: the failed, page by page, with their reasons.
		var failed []map[string]any
		path := "bulk-sends/" + itoa(id) + "/recipients?status=failed&limit=4"
		for page := 0; page < 5; page++ {
			p := w.e.do(t, "GET", path, nil, w.opt, header("Accept-Language", "en")).json(t)
			for _, it := range p["items"].([]any) {
				failed = append(failed, it.(map[string]any))
			}
			if p["next_after_id"] == nil {
				break
			}
			path = "bulk-sends/" + itoa(id) + "/recipients?status=failed&limit=4&after_id=" + itoa(int64(p["next_after_id"].(float64)))
		}
		if len(failed) != 10 {
			t.Fatalf("%d failed recipients, want 10", len(failed))
		}
		for _, f := range failed {
			if f["reason"] != "invalid_mobile" || f["reason_text"] != "Invalid mobile number" || f["detail"] != "number does not exist" ||
				f["attempts"] != float64(1) || f["record_id"] != nil || !slices.Contains(refused, f["address"].(string)) ||
				f["channel"] != "sms" || f["status"] != "failed" {
				t.Errorf("failed recipient: %v", f)
			}
		}
		skipped := w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients?status=skipped&channel=sms", nil, w.opt).json(t)["items"].([]any)
		var reasons []string
		for _, it := range skipped {
			m := it.(map[string]any)
			reasons = append(reasons, m["reason"].(string))
			if m["reason_text"] == "" || m["reason_text"] == m["reason"] {
				t.Errorf("skipped recipient without a worded reason: %v", m)
			}
		}
		slices.Sort(reasons)
		if fmt.Sprint(reasons) != "[do_not_contact duplicate no_address opted_out]" {
			t.Errorf("skipped reasons: %v", reasons)
		}
		sent := w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients?status=sent&limit=1", nil, w.opt).json(t)["items"].([]any)
		recID, ok := sent[0].(map[string]any)["record_id"].(float64)
		if !ok {
			t.Fatalf("sent recipient without a record: %v", sent)
		}
		rec := w.e.do(t, "GET", "records/"+itoa(int64(recID)), nil, w.opt).json(t)
		if rec["source"] != "bulk" || rec["bulk_send_id"] != float64(id) || rec["provider"] != "webhook" || rec["title"] != "双十一活动" {
			t.Errorf("record of a sent recipient: %v", rec)
		}
		if r := w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients", nil, w.mt); r.status != 404 {
			t.Errorf("the teammate drills down: %v", r)
		}

		// Export of the failed, in the caller's language.
		r = w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients/export?status=failed", nil, w.opt, header("Accept-Language", "en"))
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
		if r.status != 200 || err != nil || !strings.HasPrefix(string(r.body), "\uFEFF") || len(rows) != 11 ||
			rows[0][6] != "Reason" || rows[1][6] != "Invalid mobile number" || rows[1][7] != "invalid_mobile" ||
			rows[1][5] != "Failed" || rows[1][16] != "failed" || rows[0][16] != "Status code" ||
			!strings.Contains(r.header.Get("Content-Disposition"), "bulk-"+itoa(id)+"-recipients-failed.csv") {
			t.Errorf("export: %v %v %v", r.status, err, rows)
		}

		// The operator was notified, with the counts.
		notes := w.e.do(t, "GET", "notifications", nil, w.opt).json(t)
		items := notes["items"].([]any)
		if len(items) != 1 || notes["unread"] != float64(1) {
			t.Fatalf("notifications: %v", notes)
		}
		note := items[0].(map[string]any)
		if note["kind"] != model.NotifyBulkFinished || note["data"].(map[string]any)["bulk_send_id"] != float64(id) ||
			note["data"].(map[string]any)["failed"] != float64(10) || note["link"] != "/bulk/"+itoa(id) {
			t.Errorf("notification: %v", note)
		}

		// Retry: the manager may not; the operator re-queues the ten, which
		// now go through.
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/retry-failed", nil, w.mg); r.status != 403 {
			t.Errorf("the manager retries: %v", r)
		}
		w.hook.refusing.Store(false)
		// The operator clicks retry a moment later, once the dispatch jobs
		// of the first run have ended: a retry while one still runs is
		// picked up by the next sweep only (up to 30 s later).
		w.idle(t)
		r = w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/retry-failed", nil, w.opt)
		if r.status != 200 || r.json(t)["requeued"] != float64(10) {
			t.Fatalf("retry: %v", r)
		}
		done = w.waitStatus(t, id, model.BulkDone)
		if c := countsOf(t, done); c != (model.Counts{Total: n + 4, Sent: n, Skipped: 4}) {
			t.Fatalf("done after the retry: %+v", c)
		}
		if accepted, twice, _ := w.hook.tally(); accepted != n || twice {
			t.Fatalf("the receiver accepted %d messages (twice: %v), want %d", accepted, twice, n)
		}
		retried := w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients?limit=1&after_id="+itoa(int64(failed[0]["id"].(float64))-1), nil, w.opt).json(t)
		if it := retried["items"].([]any)[0].(map[string]any); it["status"] != "sent" || it["attempts"] != float64(2) || it["record_id"] == nil {
			t.Errorf("a retried recipient: %v", it)
		}
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/retry-failed", nil, w.opt); r.status != 200 || r.json(t)["requeued"] != float64(0) {
			t.Errorf("retry with nothing failed: %v", r)
		}
	})
}

// TestBulkSendTickedAndCancelled: ticked contacts (one the operator cannot
// see is left out), scheduled for later, seen by the manager but not
// cancelled by them, cancelled by the operator: every recipient is skipped
// as cancelled and nothing is sent.
func TestBulkSendTickedAndCancelled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newBulkWorld(t, s, 3)
		w.useHook(t)
		invisible := w.e.contact(t, &model.Contact{CustomerID: w.others.ID, Name: "别家的", Mobile: "+8613900000009"})
		at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		body := fmt.Sprintf(`{"title":"回访","sms_text":"您好","email_subject":"回访","email_body":"您好 {{contact.name}}",
			"scheduled_at":"%s","recipients":{"contact_ids":[%d,%d,%d,%d]}}`, at, w.contacts[0].ID, w.contacts[1].ID,
			w.contacts[2].ID, invisible.ID)
		r := w.e.do(t, "POST", "bulk-sends", body, w.opt)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		id, b := r.id(t), r.json(t)
		if c := countsOf(t, b); c != (model.Counts{Total: 6, Pending: 6}) || b["status"] != model.BulkScheduled ||
			fmt.Sprint(b["channels"]) != "[sms email]" || b["scheduled_at"] != at {
			t.Fatalf("created: %s", r.body)
		}
		if r := w.e.do(t, "GET", "bulk-sends/"+itoa(id), nil, w.mg); r.status != 200 {
			t.Errorf("the manager reads it: %v", r)
		}
		if r := w.e.do(t, "GET", "bulk-sends/"+itoa(id), nil, w.mt); r.status != 404 {
			t.Errorf("the teammate reads it: %v", r)
		}
		before := dump(t, s, `SELECT * FROM bulk_recipients ORDER BY id`) + dump(t, s, `SELECT * FROM bulk_sends`)
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/cancel", nil, w.mg); r.status != 403 {
			t.Errorf("the manager cancels: %v", r)
		}
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/cancel", nil, w.mt); r.status != 404 {
			t.Errorf("the teammate cancels: %v", r)
		}
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/retry-failed", nil, w.opt); r.status != 409 {
			t.Errorf("retry of a scheduled send: %v", r)
		}
		if after := dump(t, s, `SELECT * FROM bulk_recipients ORDER BY id`) + dump(t, s, `SELECT * FROM bulk_sends`); after != before {
			t.Errorf("refused calls changed the send")
		}

		r = w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/cancel", nil, w.opt)
		if c := countsOf(t, r.json(t)); r.status != 200 || r.json(t)["status"] != model.BulkCancelled || c != (model.Counts{Total: 6, Skipped: 6}) {
			t.Fatalf("cancel: %v", r)
		}
		items := w.e.do(t, "GET", "bulk-sends/"+itoa(id)+"/recipients?status=skipped", nil, w.opt).json(t)["items"].([]any)
		if len(items) != 6 {
			t.Fatalf("%d skipped recipients, want 6", len(items))
		}
		for _, it := range items {
			if m := it.(map[string]any); m["reason"] != model.SkipCancelled || m["reason_text"] != "批量联系已取消" {
				t.Errorf("cancelled recipient: %v", m)
			}
		}
		r = w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/cancel", nil, w.opt)
		if code, field := r.errCode(t); r.status != 409 || code != "conflict" || field != "status" {
			t.Errorf("cancel twice: %v", r)
		}
		if r := w.e.do(t, "POST", "bulk-sends/"+itoa(id)+"/retry-failed", nil, w.opt); r.status != 409 {
			t.Errorf("retry of a cancelled send: %v", r)
		}
		notes := w.e.do(t, "GET", "notifications?unread=true", nil, w.opt).json(t)["items"].([]any)
		if len(notes) != 1 || notes[0].(map[string]any)["kind"] != model.NotifyBulkCancelled {
			t.Errorf("notifications: %v", notes)
		}
		if accepted, _, calls := w.hook.tally(); accepted != 0 || calls != 0 {
			t.Errorf("a cancelled send reached the provider: %d messages in %d calls", accepted, calls)
		}
		if n := dump(t, s, `SELECT count(*) FROM outbox_messages`); n != "0\n" {
			t.Errorf("a cancelled send reached the outbox: %s", n)
		}
	})
}
