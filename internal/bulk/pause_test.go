package bulk_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
)

// pausing is a send through the fake webhook provider, with the sends that
// paused themselves collected.
type pausing struct {
	*env
	fake   *fakewebhook.Server
	paused chan *model.BulkSend
}

func newPausing(t *testing.T, s *storage.Store, cfg bulk.Config, contacts int) *pausing {
	t.Helper()
	p := &pausing{env: newEnv(t, s, cfg), fake: fakewebhook.New(t, "k"), paused: make(chan *model.BulkSend, 10)}
	p.svc.OnPause(func(_ context.Context, b *model.BulkSend) { p.paused <- b })
	p.contacts(t, contacts)
	if err := p.reg.Save(context.Background(), p.operator.ID, channel.KindSMS, channel.ProviderWebhook, p.fake.Config(), 0); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pausing) send(t *testing.T) *model.BulkSend {
	t.Helper()
	b, err := p.svc.Create(context.Background(), p.pol, p.operator, bulk.Input{Title: "回访", SMSText: "您好",
		Recipients: storage.RecipientSelection{HasMobile: true}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitPaused waits for the send to pause itself and returns it as the
// operator was told of it.
func (p *pausing) waitPaused(t *testing.T, id int64) *model.BulkSend {
	t.Helper()
	select {
	case b := <-p.paused:
		if b.ID != id || b.Status != model.BulkPaused || b.Pause == nil {
			t.Fatalf("paused: %+v", b)
		}
		return b
	case <-time.After(60 * time.Second):
		b, _ := p.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
		t.Fatalf("bulk send %d did not pause: %+v", id, b)
	}
	return nil
}

// settle waits until no recipient of the send is being sent, and returns
// its counts.
func (p *pausing) settle(t *testing.T, id int64) model.Counts {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n := p.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND status = 'sending'`, id)
		if n == 0 {
			b, err := p.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
			if err != nil {
				t.Fatal(err)
			}
			return b.Counts
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d recipients still sending", n)
		}
	}
}

// TestFailingProviderPausesTheSend: a provider that starts refusing 60% of
// the messages after the first 1,000 pauses the send within the next
// chunk of each worker, with the dominant reason, and tells the operator
// once; nothing goes out while it is paused; resumed, the send finishes
// and no recipient is sent twice.
func TestFailingProviderPausesTheSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		const chunk, slots = 250, 4
		p := newPausing(t, s, bulk.Config{ChunkSize: chunk, Slots: slots}, 6000)
		p.fake.Reject(func(n int, _ fakewebhook.Message) string {
			if n > 1000 && n%5 < 3 {
				return channel.ReasonInvalidMobile
			}
			return ""
		})
		b := p.send(t)
		if b.CanarySize != 60 {
			t.Fatalf("canary of %d recipients, want 1%% = 60", b.CanarySize)
		}
		got := p.waitPaused(t, b.ID)
		if got.Pause.Reason != model.PauseFailureRate || got.Pause.Detail != channel.ReasonInvalidMobile || got.Pause.FailedPercent < 30 {
			t.Fatalf("pause: %+v", got.Pause)
		}
		c := p.settle(t, b.ID)
		offered := len(p.fake.Messages()) + p.fake.Rejected()
		if late := offered - 1000; late > 2*slots*chunk || c.Pending < 3000 {
			t.Fatalf("%d messages offered after the failures began (want at most %d), %d left pending", late, 2*slots*chunk, c.Pending)
		}
		time.Sleep(time.Second)
		if again := len(p.fake.Messages()) + p.fake.Rejected(); again != offered {
			t.Fatalf("paused, yet %d more messages went out", again-offered)
		}
		if st, _ := p.store.BulkSendByID(context.Background(), p.pol, b.ID); st.Status != model.BulkPaused {
			t.Fatalf("status %s", st.Status)
		}

		// The operator fixes the list; resumed, the send finishes.
		p.fake.Reject(nil)
		if err := p.svc.Resume(context.Background(), p.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		done := p.wait(t, b.ID)
		if done.Counts.Sent != len(p.fake.Messages()) || done.Counts.Failed != p.fake.Rejected() ||
			done.Counts.Sent+done.Counts.Failed != 6000 {
			t.Fatalf("counts %+v; provider took %d, refused %d", done.Counts, len(p.fake.Messages()), p.fake.Rejected())
		}
		for _, m := range p.fake.Messages() {
			if m.Copies != 1 {
				t.Fatalf("%s sent %d times", m.To, m.Copies)
			}
		}
		select {
		case again := <-p.paused:
			t.Fatalf("told twice: %+v", again.Pause)
		default:
		}
	})
}

// TestFailedCanaryHoldsTheRest: when most of the canary fails, only the
// canary went out; the operator can cancel the rest.
func TestFailedCanaryHoldsTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		p := newPausing(t, s, bulk.Config{ChunkSize: 500}, 3000)
		p.fake.Reject(func(n int, _ fakewebhook.Message) string {
			if n%2 == 0 {
				return channel.ReasonBlocked
			}
			return ""
		})
		b := p.send(t)
		got := p.waitPaused(t, b.ID)
		if got.Pause.Reason != model.PauseCanary || got.Pause.Detail != channel.ReasonBlocked || got.Pause.FailedPercent != 50 {
			t.Fatalf("pause: %+v", got.Pause)
		}
		p.settle(t, b.ID)
		if offered := len(p.fake.Messages()) + p.fake.Rejected(); offered != b.CanarySize || b.CanarySize != 30 {
			t.Fatalf("%d messages offered, canary %d", offered, b.CanarySize)
		}
		if err := p.svc.Cancel(context.Background(), p.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		if done := p.wait(t, b.ID); done.Status != model.BulkCancelled || done.Counts.Sent != 15 {
			t.Fatalf("cancelled: %s %+v", done.Status, done.Counts)
		}
	})
}

// TestRefusedAccountPausesASmallSend: a provider refusing the account
// (balance exhausted) pauses even a send too small for a canary or a
// failure rate.
func TestRefusedAccountPausesASmallSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		p := newPausing(t, s, bulk.Config{ChunkSize: 10, Slots: 1}, 30)
		p.fake.Reject(func(int, fakewebhook.Message) string { return channel.ReasonQuotaExceeded })
		b := p.send(t)
		got := p.waitPaused(t, b.ID)
		if got.Pause.Reason != model.PauseProvider || got.Pause.Detail != channel.ReasonQuotaExceeded || b.CanarySize != 0 {
			t.Fatalf("pause: %+v (canary %d)", got.Pause, b.CanarySize)
		}
		if c := p.settle(t, b.ID); c.Failed != 10 || c.Pending != 20 {
			t.Fatalf("counts %+v", c)
		}
	})
}

// TestPauseAndResumeByHand: the operator pauses a running send and
// resumes it; a send that is not running cannot be paused, one that is not
// paused cannot be resumed, and another rep can do neither.
func TestPauseAndResumeByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		p := newPausing(t, s, bulk.Config{ChunkSize: 20}, 400)
		// A slow provider, so the send is still running when paused.
		p.fake.Reject(func(int, fakewebhook.Message) string { time.Sleep(2 * time.Millisecond); return "" })
		b := p.send(t)
		other := &model.User{Username: "other", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := p.svc.Pause(ctx, permission.For(other, model.Settings{Visibility: model.VisibilityAll}), b.ID); err != model.ErrForbidden && err != model.ErrNotFound {
			t.Fatalf("another rep paused: %v", err)
		}
		if err := p.svc.Resume(ctx, p.pol, b.ID); !isStatusError(err) {
			t.Fatalf("resume of a running send: %v", err)
		}
		if err := p.svc.Pause(ctx, p.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		c := p.settle(t, b.ID)
		got, _ := s.BulkSendByID(ctx, p.pol, b.ID)
		if got.Status != model.BulkPaused || got.Pause.Reason != model.PauseManual || got.Pause.By == nil || *got.Pause.By != p.operator.ID {
			t.Fatalf("paused: %s %+v", got.Status, got.Pause)
		}
		if c.Pending == 0 {
			t.Fatalf("nothing left to pause: %+v", c)
		}
		if err := p.svc.Pause(ctx, p.pol, b.ID); !isStatusError(err) {
			t.Fatalf("second pause: %v", err)
		}
		if err := p.svc.Resume(ctx, p.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		done := p.wait(t, b.ID)
		if done.Counts.Sent != 400 || len(p.fake.Messages()) != 400 {
			t.Fatalf("sent %d, provider took %d", done.Counts.Sent, len(p.fake.Messages()))
		}
		select {
		case b := <-p.paused:
			t.Fatalf("a pause by hand told the operator: %+v", b.Pause)
		default:
		}
	})
}

func isStatusError(err error) bool {
	fe, ok := err.(*model.FieldError)
	return ok && fe.Field == "status"
}
