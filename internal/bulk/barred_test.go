package bulk_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
)

// TestOptOutAfterAcceptIsHonoured: a contact who opts out, and a customer
// marked do-not-contact, after a send was accepted are skipped with that
// reason when their turn comes; the provider never gets their messages.
func TestOptOutAfterAcceptIsHonoured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, 4)
		other := &model.Customer{Name: "后改勿扰", Code: "LATE", RepID: &e.operator.ID}
		if err := s.CreateCustomer(ctx, other); err != nil {
			t.Fatal(err)
		}
		late := &model.Contact{CustomerID: other.ID, Name: "后改", Mobile: "+8613700000077"}
		if err := s.CreateContact(ctx, late); err != nil {
			t.Fatal(err)
		}
		fake := fakewebhook.New(t, "k")
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), 0); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(1500 * time.Millisecond)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "later", SMSText: "hi", ScheduledAt: &at,
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE contacts SET opt_out_sms = TRUE WHERE mobile = '+8613800000001'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE customers SET do_not_contact = TRUE WHERE id = $1`, other.ID); err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		for _, m := range fake.Messages() {
			if m.To == "+8613800000001" || m.To == late.Mobile {
				t.Fatalf("the provider got a message to %s after it was barred", m.To)
			}
		}
		if len(fake.Messages()) != 3 || done.Counts.Sent != 3 {
			t.Fatalf("provider took %d, sent %d; want 3", len(fake.Messages()), done.Counts.Sent)
		}
		skipped, err := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{Status: model.RecipientSkipped, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]string{}
		for _, r := range skipped {
			reasons[r.Address] = r.Reason
		}
		if reasons["+8613800000001"] != model.SkipOptedOut || reasons[late.Mobile] != model.SkipDoNotContact {
			t.Fatalf("skip reasons: %v", reasons)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); n != 3 {
			t.Fatalf("%d records, want 3", n)
		}
	})
}
