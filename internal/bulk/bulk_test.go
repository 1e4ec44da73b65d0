package bulk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

type env struct {
	store    *storage.Store
	reg      *registry.Registry
	svc      *bulk.Service
	operator *model.User
	pol      permission.Policy
	finished chan *model.BulkSend
}

// newEnv starts a bulk service with River workers on s.
func newEnv(t *testing.T, s *storage.Store, cfg bulk.Config) *env {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	e := &env{store: s, finished: make(chan *model.BulkSend, 10)}
	e.reg = registry.New(s, box, channel.Env{HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = bulk.NewService(s, e.reg, nil, cfg, log, time.Now, func(_ context.Context, b *model.BulkSend) { e.finished <- b })
	workers := river.NewWorkers()
	sweep := e.svc.Register(workers)
	q, err := jobs.New(s, jobs.Options{Workers: workers, MaxWorkers: 4, PeriodicJobs: []*river.PeriodicJob{sweep},
		FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	e.operator = &model.User{Username: "op", DisplayName: "王芳", Email: "op@example.cn", Role: model.RoleAgent, Active: true}
	if err := s.CreateUser(ctx, e.operator); err != nil {
		t.Fatal(err)
	}
	e.pol = permission.For(e.operator, model.Settings{Visibility: model.VisibilityOwn})
	return e
}

// contacts creates n contacts on customers served by the operator, plus
// the awkward ones: opted out, do-not-contact, no address, a duplicate
// mobile, and one on a customer the operator cannot see.
func (e *env) contacts(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	mine := &model.Customer{Name: "恒信科技", Code: "HX", RepID: &e.operator.ID}
	dnc := &model.Customer{Name: "勿扰公司", Code: "DNC", RepID: &e.operator.ID, DoNotContact: true}
	other := &model.Customer{Name: "别人的", Code: "OT"}
	for _, c := range []*model.Customer{mine, dnc, other} {
		if err := e.store.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	err := e.store.InBatch(ctx, func(b *storage.Batch) error {
		for i := 0; i < n; i++ {
			if err := b.CreateContact(ctx, &model.Contact{CustomerID: mine.ID, Name: fmt.Sprintf("联系人%d", i),
				Mobile: fmt.Sprintf("+86138%08d", i), Email: fmt.Sprintf("c%d@example.cn", i)}); err != nil {
				return err
			}
		}
		for _, ct := range []*model.Contact{
			{CustomerID: mine.ID, Name: "opted out", Mobile: "+8613900000001", Email: "o@example.cn", OptOutSMS: true, OptOutEmail: true},
			{CustomerID: mine.ID, Name: "no address"},
			{CustomerID: mine.ID, Name: "duplicate", Mobile: "+8613800000000", Email: "c0@example.cn"},
			{CustomerID: dnc.ID, Name: "dnc", Mobile: "+8613900000002", Email: "d@example.cn"},
			{CustomerID: other.ID, Name: "invisible", Mobile: "+8613900000003", Email: "i@example.cn"},
		} {
			if err := b.CreateContact(ctx, ct); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) wait(t *testing.T, id int64) *model.BulkSend {
	t.Helper()
	select {
	case b := <-e.finished:
		if b.ID != id {
			t.Fatalf("finished %d, want %d", b.ID, id)
		}
		return b
	case <-time.After(60 * time.Second):
		b, _ := e.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
		t.Fatalf("bulk send %d did not finish: %+v", id, b)
	}
	return nil
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.store.ReadDB().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulkSendThroughOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 40})
		e.contacts(t, 200)
		topic := &model.Topic{Name: "活动通知", Active: true}
		if err := s.CreateTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		sel := storage.RecipientSelection{}
		pv, err := e.svc.Preview(ctx, e.pol, sel, []string{"sms", "email"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"": 200, model.SkipOptedOut: 1, model.SkipNoAddress: 1, model.SkipDuplicate: 1, model.SkipDoNotContact: 1}
		for _, ch := range []string{"sms", "email"} {
			for reason, n := range want {
				if pv[ch][reason] != n {
					t.Errorf("preview %s %q = %d, want %d (%v)", ch, reason, pv[ch][reason], n, pv[ch])
				}
			}
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{
			Title: "双十一活动", TopicIDs: []int64{topic.ID},
			SMSText:      "{{contact.name}}您好，{{customer.name}}邀您参加活动。回复邮件至{{user.email}}或{{contact.email}}",
			EmailSubject: "{{customer.name}} 活动邀请", EmailBody: "{{contact.name}}：\n\n欢迎参加。— {{user.name}}",
			Recipients: sel,
		})
		if err != nil {
			t.Fatal(err)
		}
		if b.Counts.Total != 2*204 || b.Counts.Pending != 400 || b.Counts.Skipped != 8 {
			t.Fatalf("accepted counts: %+v", b.Counts)
		}
		done := e.wait(t, b.ID)
		if done.Status != model.BulkDone || done.Counts.Sent != 400 || done.Counts.Skipped != 8 || done.Counts.Failed != 0 ||
			done.Counts.Pending != 0 || done.Counts.Total != done.Counts.Sent+done.Counts.Failed+done.Counts.Skipped {
			t.Fatalf("finished: %+v", done)
		}
		if n := e.count(t, `SELECT count(*) FROM outbox_messages`); n != 400 {
			t.Fatalf("outbox has %d messages, want 400", n)
		}
		if n := e.count(t, `SELECT count(DISTINCT ref) FROM outbox_messages`); n != 400 {
			t.Fatalf("outbox has %d distinct refs: duplicates", n)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1 AND source = 'bulk'`, b.ID); n != 400 {
			t.Fatalf("%d records, want one per recipient reached (400)", n)
		}
		if n := e.count(t, `SELECT count(*) FROM record_topics rt JOIN contact_records r ON r.id = rt.record_id WHERE r.bulk_send_id = $1`, b.ID); n != 400 {
			t.Fatalf("%d record topics, want 400", n)
		}
		var body string
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT body FROM outbox_messages WHERE kind = 'sms' AND to_address = '+8613800000007'`).Scan(&body); err != nil || body != "联系人7您好，恒信科技邀您参加活动。回复邮件至op@example.cn或c7@example.cn" {
			t.Fatalf("rendered SMS: %q %v", body, err)
		}
		skipped, err := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{Status: model.RecipientSkipped, Channel: "sms"})
		if err != nil || len(skipped) != 4 {
			t.Fatalf("skipped drill-down: %v %d", err, len(skipped))
		}
		for _, r := range skipped {
			if r.Reason == "" || r.RecordID != nil {
				t.Fatalf("skipped row: %+v", r)
			}
		}
		sent, _ := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{Status: model.RecipientSent, Limit: 5})
		if len(sent) != 5 || sent[0].RecordID == nil || sent[0].ProviderMessageID == "" {
			t.Fatalf("sent drill-down: %+v", sent[0])
		}
		// Someone else cannot see the send.
		stranger := permission.Policy{UserID: 999999, Visibility: model.VisibilityAll}
		if _, err := e.svc.Get(ctx, stranger, b.ID); err != model.ErrNotFound {
			t.Fatalf("stranger sees the send: %v", err)
		}
	})
}

// TestBulkSendRetriesFlakyProvider: a webhook receiver that answers a
// quarter of its calls 503 and takes a tenth but answers after the
// client gave up. It honours the contract, one delivery per ref, so a
// timed-out message is asked again under its ref, never failed while the
// receiver may have it; 503s are retried a few times. Every recipient
// ends sent or failed with a reason, none is delivered twice, and none
// the receiver took is failed.
func TestBulkSendRetriesFlakyProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 5, MaxAttempts: 4, RetryBase: 20 * time.Millisecond})
		e.contacts(t, 150)
		var mu sync.Mutex
		delivered, asked := map[string]int{}, map[string]int{}
		var calls atomic.Int64
		rng := rand.New(rand.NewPCG(1, 2))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			var body struct {
				Messages []struct{ Ref, To string }
			}
			json.NewDecoder(r.Body).Decode(&body)
			mu.Lock()
			roll := rng.IntN(100)
			mu.Unlock()
			if roll < 25 {
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
				return
			}
			var results []map[string]any
			mu.Lock()
			for _, m := range body.Messages {
				if m.To == "+8613800000005" { // a number the provider always refuses
					results = append(results, map[string]any{"ref": m.Ref, "error": map[string]any{"code": "invalid_mobile", "message": "unreachable"}})
					continue
				}
				if asked[m.Ref]++; asked[m.Ref] == 1 {
					delivered[m.Ref]++
				}
				results = append(results, map[string]any{"ref": m.Ref, "id": "p-" + m.Ref})
			}
			mu.Unlock()
			if roll < 35 { // taken, but answered after the client gave up
				time.Sleep(2500 * time.Millisecond)
			}
			json.NewEncoder(w).Encode(map[string]any{"results": results})
		}))
		defer srv.Close()
		cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "k"})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, cfg, 0); err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "flaky", SMSText: "hi {{contact.name}}",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		c := done.Counts
		if c.Pending != 0 || c.Total != c.Sent+c.Failed+c.Skipped || c.Sent+c.Failed != 150 {
			t.Fatalf("counts do not add up: %+v", c)
		}
		mu.Lock()
		defer mu.Unlock()
		reasked := 0
		for ref, n := range asked {
			if delivered[ref] != 1 {
				t.Fatalf("ref %s delivered %d times", ref, delivered[ref])
			}
			reasked += n - 1
		}
		if reasked == 0 {
			t.Fatal("no timed-out message was asked again")
		}
		sent, _ := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{Status: model.RecipientSent, Limit: 1000})
		for _, r := range sent {
			if delivered[fmt.Sprintf("b%d", r.ID)] != 1 {
				t.Fatalf("recipient %d is sent but the provider never took it", r.ID)
			}
		}
		failed, _ := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{Status: model.RecipientFailed, Limit: 1000})
		foundInvalid := false
		for _, r := range failed {
			if r.Reason == "" {
				t.Fatalf("failed without a reason: %+v", r)
			}
			if delivered[fmt.Sprintf("b%d", r.ID)] != 0 {
				t.Fatalf("recipient %d failed (%s) although the provider took it", r.ID, r.Reason)
			}
			if r.Address == "+8613800000005" {
				foundInvalid = r.Reason == "invalid_mobile" && r.Attempts >= 1
			}
		}
		if !foundInvalid {
			t.Fatalf("permanent refusal not recorded with its reason: %+v", failed)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); n != c.Sent {
			t.Fatalf("%d records for %d sent", n, c.Sent)
		}
		if len(delivered) != c.Sent {
			t.Fatalf("provider delivered %d messages, %d sent", len(delivered), c.Sent)
		}
		t.Logf("%d provider calls, %d messages asked again; sent %d, failed %d", calls.Load(), reasked, c.Sent, c.Failed)
	})
}

// TestStaleSendingIsNeverResent: of the rows a worker that then stopped
// had claimed, those it had handed to a provider that cannot be asked
// again fail as outcome unknown, never sent twice; those it had not go
// back to pending, the attempt not counted.
func TestStaleSendingIsNeverResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, 10)
		// A far-future send stays put while rows are claimed by a worker that then "dies".
		at := time.Now().Add(time.Hour)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "t", SMSText: "x", ScheduledAt: &at,
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.ClaimRecipients(ctx, b.ID, "sms", 4, "dead-worker")
		if err != nil || len(rows) != 4 {
			t.Fatalf("claim: %v %d", err, len(rows))
		}
		full, _ := s.BulkSendByID(ctx, permission.Policy{Admin: true}, b.ID)
		if handed, err := s.SettleAndHand(ctx, full, "smtp", "dead-worker", nil, []int64{rows[0].ID, rows[1].ID}); err != nil || len(handed) != 2 {
			t.Fatalf("hand: %v %v", handed, err)
		}
		if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Hour, false); err != nil || n != 0 {
			t.Fatalf("fresh claims resolved: %d %v", n, err)
		}
		time.Sleep(5 * time.Millisecond)
		if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Millisecond, false); err != nil || n != 4 {
			t.Fatalf("stale claims: %d %v", n, err)
		}
		// The dead worker coming back cannot settle rows that are no
		// longer its, nor hand the ones taken back.
		outs := []storage.Outcome{{Recipient: rows[0], Sent: true, ProviderID: "late"}}
		if err := s.CompleteRecipients(ctx, full, "outbox", "dead-worker", outs); err != nil {
			t.Fatal(err)
		}
		if handed, err := s.SettleAndHand(ctx, full, "smtp", "dead-worker", nil, []int64{rows[2].ID}); err != nil || len(handed) != 0 {
			t.Fatalf("a row taken back was handed: %v %v", handed, err)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); n != 0 {
			t.Fatalf("a stale settle wrote %d records", n)
		}
		failed, _ := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientFailed})
		if len(failed) != 2 || failed[0].Reason != model.FailOutcomeUnknown || failed[0].ID != rows[0].ID || failed[1].ID != rows[1].ID {
			t.Fatalf("failed rows: %+v", failed)
		}
		back, _ := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientPending})
		for _, r := range back {
			if r.Attempts != 0 {
				t.Fatalf("a row never handed counts an attempt: %+v", r)
			}
		}
		if len(back) != 8 {
			t.Fatalf("%d rows pending, want the 6 never claimed and the 2 never handed", len(back))
		}
		// Cancel: pending rows become skipped; nothing is sent.
		if err := e.svc.Cancel(ctx, e.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		got := e.wait(t, b.ID)
		if got.Status != model.BulkCancelled || got.Counts.Skipped < 6 || got.Counts.Pending != 0 {
			t.Fatalf("after cancel: %+v", got)
		}
		if err := e.svc.Cancel(ctx, e.pol, b.ID); err == nil {
			t.Fatal("cancelled twice")
		}
		if n := e.count(t, `SELECT count(*) FROM outbox_messages`); n != 0 {
			t.Fatalf("cancelled send sent %d", n)
		}
	})
}

func TestBulkSendRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, 3)
		past := time.Now().Add(-time.Hour)
		cases := []struct {
			in    bulk.Input
			field string
		}{
			{bulk.Input{SMSText: "x"}, "title"},
			{bulk.Input{Title: "t"}, "channels"},
			{bulk.Input{Title: "t", SMSText: "{{contact.age}}"}, "sms_text"},
			{bulk.Input{Title: "t", EmailSubject: "s"}, "email_body"},
			{bulk.Input{Title: "t", SMSText: "x", ScheduledAt: &past}, "scheduled_at"},
			{bulk.Input{Title: "t", SMSText: "x", TopicIDs: []int64{4242}}, "topic_ids"},
			{bulk.Input{Title: "t", SMSText: "x", Recipients: storage.RecipientSelection{Query: "no such customer"}}, "recipients"},
		}
		for _, c := range cases {
			_, err := e.svc.Create(ctx, e.pol, e.operator, c.in)
			if ve, ok := model.AsValidation(err); !ok || ve.For(c.field) == nil {
				t.Errorf("%+v: err = %v, want field %s", c.in, err, c.field)
			}
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_sends`); n != 0 {
			t.Fatalf("refused input left %d bulk sends", n)
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_recipients`); n != 0 {
			t.Fatalf("refused input left %d recipients", n)
		}
	})
}

func TestStaleSendingResentUnderSameRefWhenProviderDedupes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, 10)
		at := time.Now().Add(1500 * time.Millisecond)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "t", SMSText: "hello", ScheduledAt: &at,
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		// A worker claims 4 rows, hands them to the outbox, and dies before recording it.
		rows, err := s.ClaimRecipients(ctx, b.ID, "sms", 4, "dead-worker")
		if err != nil || len(rows) != 4 {
			t.Fatalf("claim: %v %d", err, len(rows))
		}
		var delivered []*model.OutboxMessage
		for _, r := range rows {
			delivered = append(delivered, &model.OutboxMessage{Kind: "sms", To: r.Address, Body: "hello", Ref: fmt.Sprintf("b%d", r.ID)})
		}
		if err := s.AddOutboxMessages(ctx, delivered); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Millisecond, true); err != nil || n != 4 {
			t.Fatalf("resolve for re-send: %d %v", n, err)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 10 || done.Counts.Failed != 0 {
			t.Fatalf("counts: %+v", done.Counts)
		}
		if n := e.count(t, `SELECT count(*) FROM outbox_messages`); n != 10 {
			t.Fatalf("outbox holds %d messages for 10 recipients", n)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); n != 10 {
			t.Fatalf("%d records for 10 recipients", n)
		}
	})
}

func TestRetryFailedStartsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 10})
		e.contacts(t, 20)
		var refuse atomic.Bool
		refuse.Store(true)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Messages []struct{ Ref string } }
			json.NewDecoder(r.Body).Decode(&body)
			var results []map[string]any
			for _, m := range body.Messages {
				if refuse.Load() {
					results = append(results, map[string]any{"ref": m.Ref, "error": map[string]any{"code": "blocked", "message": "carrier block"}})
				} else {
					results = append(results, map[string]any{"ref": m.Ref, "id": "ok"})
				}
			}
			json.NewEncoder(w).Encode(map[string]any{"results": results})
		}))
		defer srv.Close()
		cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "k"})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, cfg, 0); err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "retry", SMSText: "x",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		if c := e.wait(t, b.ID).Counts; c.Failed != 20 {
			t.Fatalf("first run: %+v", c)
		}
		refuse.Store(false)
		start := time.Now()
		n, err := e.svc.RetryFailed(ctx, e.pol, b.ID, false)
		if err != nil || n != 20 {
			t.Fatalf("retry: %d %v", n, err)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 20 || done.Counts.Failed != 0 {
			t.Fatalf("after retry: %+v", done.Counts)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("retry waited %v for the sweeper", took)
		}
	})
}

// A send due now is stored running and its dispatch jobs are workable at
// once; only a later send waits in a scheduled start job (River holds a
// job given any time, even a past one, until its scheduler's next pass).
func TestDueSendIsQueuedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 40})
		e.contacts(t, 3)
		now, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "即时", SMSText: "您好"})
		if err != nil {
			t.Fatal(err)
		}
		if now.Status != model.BulkRunning || now.StartedAt == nil {
			t.Fatalf("a send due now is created %s, started %v", now.Status, now.StartedAt)
		}
		if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'bulk_start'`); n != 0 {
			t.Errorf("a send due now has %d start jobs", n)
		}
		if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'bulk_dispatch' AND state = 'scheduled'`); n != 0 {
			t.Errorf("%d dispatch jobs wait for River's scheduler", n)
		}
		if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'bulk_dispatch'`); n != 4 {
			t.Errorf("%d dispatch jobs, want one per slot (4)", n)
		}
		if done := e.wait(t, now.ID); done.Counts.Sent != 3 {
			t.Fatalf("finished: %+v", done.Counts)
		}
		at := time.Now().Add(time.Hour)
		later, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "稍后", SMSText: "您好", ScheduledAt: &at})
		if err != nil {
			t.Fatal(err)
		}
		if later.Status != model.BulkScheduled || later.StartedAt != nil {
			t.Fatalf("a later send is created %s, started %v", later.Status, later.StartedAt)
		}
		if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'bulk_start' AND state = 'scheduled'`); n != 1 {
			t.Errorf("a later send has %d scheduled start jobs, want 1", n)
		}
	})
}

// Chunks of 500 settle through statements SQLite compiles once and reuses:
// every record must still be the one of its own recipient. One slot works
// the send, so chunks settle one after the other and all but the first
// (whose text is prepared after it) go through the prepared statements.
func TestFullChunksSettleEveryRecordToItsRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 500, Slots: 1})
		e.contacts(t, 1600)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "整批", SMSText: "{{contact.name}}您好"})
		if err != nil {
			t.Fatal(err)
		}
		if done := e.wait(t, b.ID); done.Counts.Sent != 1600 || done.Counts.Failed != 0 {
			t.Fatalf("finished: %+v", done.Counts)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records r JOIN bulk_recipients br ON br.id = r.bulk_recipient_id
			JOIN contacts ct ON ct.id = br.contact_id JOIN outbox_messages o ON o.ref = 'b' || br.id
			WHERE r.bulk_send_id = $1 AND r.contact_id = br.contact_id AND r.customer_id = br.customer_id
			AND r.address = br.address AND o.to_address = br.address AND r.content = ct.name || '您好' AND o.body = r.content
			AND r.provider_message_id <> ''`, b.ID); n != 1600 {
			t.Fatalf("%d of 1600 records match their recipient, address, message and content", n)
		}
	})
}
