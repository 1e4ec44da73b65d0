package bulk_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
	"touchbase/internal/testutil/race"
)

// TestSmallSendUnderALowLimitEndsAtOnce: at 10 messages/s a send of three
// recipients takes what it sends from the limit, not a whole chunk's worth.
func TestSmallSendUnderALowLimitEndsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, 3)
		fake := fakewebhook.New(t, "k")
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), 10); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "three", SMSText: "hi",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		took := time.Since(start)
		if done.Counts.Sent != 3 || len(fake.Messages()) != 3 {
			t.Fatalf("sent %d, provider took %d", done.Counts.Sent, len(fake.Messages()))
		}
		if took > 2*time.Second {
			t.Fatalf("3 recipients at 10/s took %v, want under 2 s", took)
		}
		t.Logf("3 recipients at 10/s in %v", took)
	})
}

// TestSingleContactDoesNotWaitBehindBulk sends one SMS from the single
// contact dialog's service while a 10,000-recipient send (2,000 under the
// race detector, still far more than the test sends) runs on the same
// provider: it reaches the provider within a second, and the provider
// never sees more than the limit (and one bulk slice) in any second.
func TestSingleContactDoesNotWaitBehindBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{})
		e.contacts(t, race.Scale(10000))
		fake := fakewebhook.New(t, "k")
		const rate = 100
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), rate); err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "big", SMSText: "hi",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.svc.Cancel(context.Background(), e.pol, b.ID) })
		// Let the bulk send fill the limit for a second.
		deadline := time.Now().Add(30 * time.Second)
		for len(fake.Messages()) < rate {
			if time.Now().After(deadline) {
				t.Fatalf("bulk send did not start: provider took %d", len(fake.Messages()))
			}
			time.Sleep(20 * time.Millisecond)
		}

		customer := &model.Customer{Name: "单发客户", Code: "SINGLE", RepID: &e.operator.ID}
		if err := s.CreateCustomer(ctx, customer); err != nil {
			t.Fatal(err)
		}
		contact := &model.Contact{CustomerID: customer.ID, Name: "单发", Mobile: "+8613700000001"}
		if err := s.CreateContact(ctx, contact); err != nil {
			t.Fatal(err)
		}
		singles := record.NewService(s, e.reg, nil, plan.NewService(s, nil, time.Now), time.Now)
		start := time.Now()
		res, err := singles.Send(ctx, e.pol, e.operator, record.SingleInput{
			Common: record.Common{ContactID: contact.ID, Title: "回访"}, SMS: &record.SMSContent{Text: "您好"}})
		took := time.Since(start)
		if err != nil || len(res) != 1 || res[0].Status != "sent" {
			t.Fatalf("single send: %+v, %v", res, err)
		}
		m, ok := fake.Get("d" + strconv.FormatInt(res[0].DeliveryID, 10))
		if !ok {
			t.Fatal("the provider never got the single SMS")
		}
		if wait := m.At.Sub(start); wait > time.Second || took > time.Second {
			t.Fatalf("single SMS reached the provider after %v (returned after %v), want within 1 s", wait, took)
		}
		bulkBefore := len(fake.Messages())
		time.Sleep(time.Second) // the bulk send goes on at the limit
		if len(fake.Messages()) == bulkBefore {
			t.Fatal("the bulk send stopped after the single contact")
		}
		// Over the whole run the pace is the limit's, and one slice more:
		// the one taken at the start. The provider sees each message a
		// little after its slice was taken, and not always equally late
		// (HTTP on a loaded machine), which shortens the span it measures
		// by up to that difference: jitter allows for a quarter second.
		msgs := fake.Messages()
		span := msgs[len(msgs)-1].At.Sub(msgs[0].At)
		burst := int(rate * registry.BulkSlice.Seconds())
		const jitter = 250 * time.Millisecond
		if n := len(msgs); float64(n) > float64(rate)*(span+jitter).Seconds()+float64(burst+1) {
			t.Fatalf("provider got %d messages in %v, over %d/s", n, span, rate)
		}
		if n := fake.MaxInWindow(time.Second); n > rate+2*burst {
			t.Fatalf("provider got %d messages within one second, limit %d/s", n, rate)
		}
		for _, m := range fake.Messages() {
			if m.Copies != 1 {
				t.Fatalf("ref %s posted %d times", m.Ref, m.Copies)
			}
		}
		t.Logf("single SMS reached the provider in %v during the bulk send; busiest second %d messages",
			m.At.Sub(start), fake.MaxInWindow(time.Second))
	})
}

// TestThrottledProviderSlowsTheChannelAndLosesNobody: a provider without
// a configured limit that answers 429 to two requests in a row holds the
// channel, 1 s and then 2 s, and its recipients are retried past
// MaxAttempts: they all end sent, each once, none failed.
func TestThrottledProviderSlowsTheChannelAndLosesNobody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 10, Slots: 1, MaxAttempts: 1, RetryBase: 10 * time.Millisecond})
		e.contacts(t, 60)
		fake := fakewebhook.New(t, "k")
		var throttledAt []time.Time
		fake.Answer(func(n int, _ []fakewebhook.Message) int {
			if n == 2 || n == 3 {
				throttledAt = append(throttledAt, time.Now())
				return http.StatusTooManyRequests
			}
			return http.StatusOK
		})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), 0); err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "throttled", SMSText: "hi",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 60 || done.Counts.Failed != 0 {
			t.Fatalf("counts %+v, want 60 sent, none failed", done.Counts)
		}
		for _, m := range fake.Messages() {
			if m.Copies != 1 {
				t.Fatalf("ref %s posted %d times", m.Ref, m.Copies)
			}
		}
		if len(throttledAt) != 2 {
			t.Fatalf("%d throttled requests, want 2", len(throttledAt))
		}
		// The first 429 held the channel for 1 s: the next request came
		// no sooner; the second held it for 2 s.
		if gap := throttledAt[1].Sub(throttledAt[0]); gap < 900*time.Millisecond {
			t.Fatalf("request after a 429 came %v later, want the channel held about 1 s", gap)
		}
		msgs := fake.Messages()
		var after time.Time
		for _, m := range msgs {
			if m.At.After(throttledAt[1]) {
				after = m.At
				break
			}
		}
		if gap := after.Sub(throttledAt[1]); gap < 1900*time.Millisecond {
			t.Fatalf("request after the second 429 came %v later, want the channel held about 2 s", gap)
		}
	})
}
