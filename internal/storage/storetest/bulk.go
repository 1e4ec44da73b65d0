package storetest

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// SentBulk stores a running bulk send by SMS to every contact with a
// mobile number, titled title, and settles every recipient as sent with
// the content text gives it, writing their records. The send stays
// running. It returns the send and how many records it wrote.
func SentBulk(t testing.TB, s *storage.Store, title string, text func(r *model.BulkRecipient) string) (*model.BulkSend, int) {
	t.Helper()
	ctx := context.Background()
	b := &model.BulkSend{Title: title, SMSText: "x", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{HasMobile: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ClaimRecipients(ctx, b.ID, "sms", 1000, "storetest")
	if err != nil || len(rows) == 0 {
		t.Fatalf("claim: %v (%d rows)", err, len(rows))
	}
	outs := make([]storage.Outcome, len(rows))
	for i, r := range rows {
		outs[i] = storage.Outcome{Recipient: r, Sent: true, Content: text(r)}
	}
	if err := s.CompleteRecipients(ctx, b, "outbox", "storetest", outs); err != nil {
		t.Fatal(err)
	}
	return b, len(rows)
}

// InterruptedBulk stores a bulk send by SMS to every contact with a
// mobile number (at least two) that has ended with each recipient
// failed: the first refused by the provider (invalid_mobile), the others
// with reason outcome_unknown, as when the process sending them stopped
// while a provider that cannot be asked again had them.
func InterruptedBulk(t testing.TB, s *storage.Store, title string) *model.BulkSend {
	t.Helper()
	ctx := context.Background()
	b := &model.BulkSend{Title: title, SMSText: "x", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{HasMobile: true}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ClaimRecipients(ctx, b.ID, "sms", 1000, "stopped")
	if err != nil || len(rows) < 2 {
		t.Fatalf("claim: %v (%d rows, want two or more)", err, len(rows))
	}
	refused := []storage.Outcome{{Recipient: rows[0], Reason: "invalid_mobile", Detail: "number does not exist"}}
	var handed []int64
	for _, r := range rows[1:] {
		handed = append(handed, r.ID)
	}
	if got, err := s.SettleAndHand(ctx, b, "smtp", "stopped", refused, handed); err != nil || len(got) != len(handed) {
		t.Fatalf("settle and hand: %v (%d handed of %d)", err, len(got), len(handed))
	}
	time.Sleep(2 * time.Millisecond)
	if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Millisecond, false); err != nil || n != int64(len(rows)-1) {
		t.Fatalf("resolve the stopped process's rows: %d, %v", n, err)
	}
	if done, err := s.FinishBulkSendIfDone(ctx, b.ID); err != nil || !done {
		t.Fatalf("finish: %v, %v", done, err)
	}
	got, err := s.BulkSendByID(ctx, permission.Policy{Admin: true}, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
