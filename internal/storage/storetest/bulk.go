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
