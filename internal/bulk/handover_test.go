package bulk_test

import (
	"context"
	"encoding/json"
	"net"
	"strconv"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestStoppedSenderLeavesUnknownOnlyTheMessageOnTheWire sends a bulk
// e-mail over SMTP, which cannot be asked for a message again, and stops
// the sender (its claim taken over as another process would after the
// lease) while the server holds one message unanswered. That one message
// is all that ends outcome unknown: the ones before are settled as sent
// as their answers came, the rest of the claim goes back to pending and
// is sent once, over the connection the first messages used. (One
// message at a time here; by default a dispatch job hands five.)
func TestStoppedSenderLeavesUnknownOnlyTheMessageOnTheWire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 50, Slots: 1, HandOver: 1})
		sink, addr := startMailSink(t)
		const before = 10 // answered before the one held
		sink.holdNth = before + 1
		host, port, _ := net.SplitHostPort(addr)
		cfg, _ := json.Marshal(map[string]any{"host": host, "port": json.Number(port), "security": "none", "from": "svc@example.cn"})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindEmail, channel.ProviderSMTP, cfg, 0); err != nil {
			t.Fatal(err)
		}
		const n = 30
		e.contacts(t, n)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "中断", EmailSubject: "通知", EmailBody: "{{contact.name}}您好"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-sink.reached:
		case <-time.After(30 * time.Second):
			t.Fatal("the held message never reached the server")
		}
		state := func() map[string]int {
			rows, err := s.ReadDB().QueryContext(ctx, `SELECT status, handed, count(*) FROM bulk_recipients WHERE bulk_send_id = $1
				AND channel = 'email' GROUP BY status, handed`, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var st string
				var handed bool
				var k int
				if err := rows.Scan(&st, &handed, &k); err != nil {
					t.Fatal(err)
				}
				if handed && st == model.RecipientSending {
					st = "with the provider"
				}
				out[st] += k
			}
			return out
		}
		// Those before it were answered and settled one by one.
		if got := state(); got[model.RecipientSent] != before || got["with the provider"] != 1 || got[model.RecipientSending] != n-before-1 {
			t.Fatalf("while the server holds one message: %v", got)
		}
		// The sender stops; another process takes its claim over.
		time.Sleep(2 * time.Millisecond)
		if k, err := s.ResolveStaleSending(ctx, b.ID, "email", time.Millisecond, false); err != nil || k != int64(n-before) {
			t.Fatalf("take over: %d rows, %v", k, err)
		}
		close(sink.hold)
		done := e.wait(t, b.ID)
		if c := done.Counts; c.Sent != n-1 || c.Failed != 1 || c.Unknown != 1 {
			t.Fatalf("counts: %+v", c)
		}
		for i := range n {
			to := "c" + strconv.Itoa(i) + "@example.cn"
			if got := len(sink.get(to)); got != 1 {
				t.Fatalf("%s received %d messages", to, got)
			}
		}
		failed, _ := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientFailed})
		if len(failed) != 1 || failed[0].Address != sink.heldTo || failed[0].Reason != model.FailOutcomeUnknown {
			t.Fatalf("failed: %+v", failed)
		}
		if k := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); k != n-1 {
			t.Fatalf("%d records for %d sent", k, n-1)
		}
		sink.mu.Lock()
		sessions := sink.sessions
		sink.mu.Unlock()
		if sessions > 3 {
			t.Fatalf("%d SMTP connections for %d messages sent one per call", sessions, n)
		}
	})
}
