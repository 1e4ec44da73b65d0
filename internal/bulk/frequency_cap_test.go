package bulk_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestFrequencyCapsAcrossSends: with the default caps (one marketing SMS
// a day, four in 30 days) a second marketing send the same day skips
// every contact with reason frequency_capped, and the dry run said so
// before; a service send is not capped; a day later marketing goes out
// again, until the fifth in 30 days is capped. Two marketing sends
// started together to the same contacts give each contact one message.
func TestFrequencyCapsAcrossSends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		day := shanghaiAt(2, 10, 0)
		e := newQuietEnv(t, s, day)
		const n = 30
		e.contacts(t, n)
		fake, sentAt := e.provider(t)
		marketing := func(title string) bulk.Input {
			return bulk.Input{Title: title, Marketing: true, SMSText: "{{contact.name}}您好，会员日全场八折。拒收请回复R",
				Recipients: storage.RecipientSelection{HasMobile: true}}
		}
		sms := []string{model.ChannelSMS}
		send := func(in bulk.Input) *model.BulkSend {
			t.Helper()
			b, err := e.svc.Create(ctx, e.pol, e.operator, in)
			if err != nil {
				t.Fatal(err)
			}
			return e.wait(t, b.ID)
		}
		capped := func(b *model.BulkSend) int {
			return e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND status = 'skipped' AND reason = $2`,
				b.ID, model.SkipFrequencyCap)
		}

		first := send(marketing("会员日"))
		if first.Counts.Sent != n || capped(first) != 0 {
			t.Fatalf("first marketing send: %+v, %d capped", first.Counts, capped(first))
		}
		dr, err := e.svc.DryRun(ctx, e.pol, e.operator, marketing("会员日二"), sms, 1)
		if err != nil {
			t.Fatal(err)
		}
		if run := dr.Channels[0]; run.Send != 0 || run.Skipped[model.SkipFrequencyCap] != n || dr.Messages != 0 {
			t.Fatalf("dry run of a second marketing send the same day: %+v", run)
		}
		second := send(marketing("会员日二"))
		if second.Counts.Sent != 0 || capped(second) != n {
			t.Fatalf("second marketing send the same day: %+v, %d capped", second.Counts, capped(second))
		}
		service := send(bulk.Input{Title: "系统维护通知", SMSText: "今晚 23:00 系统维护", Recipients: storage.RecipientSelection{HasMobile: true}})
		if service.Counts.Sent != n || capped(service) != 0 {
			t.Fatalf("service send: %+v, %d capped", service.Counts, capped(service))
		}
		// Days 2, 3 and 4 make four marketing messages in 30 days; day 5 is capped.
		for d := 1; d <= 4; d++ {
			e.clock.Set(day.Add(time.Duration(d) * 25 * time.Hour))
			b := send(marketing("会员日续"))
			want := n
			if d == 4 {
				want = 0
			}
			if b.Counts.Sent != want || capped(b) != n-want {
				t.Fatalf("marketing send on day %d: %+v, %d capped; want %d sent", d+1, b.Counts, capped(b), want)
			}
		}
		for to, times := range sentAt() {
			if len(times) != 5 { // 4 marketing, 1 service
				t.Fatalf("%s got %d messages, want 5", to, len(times))
			}
		}

		// Two sends started together, 31 days on: one message per contact.
		e.clock.Set(day.Add(31 * 24 * time.Hour))
		before := len(fake.Messages())
		a, err := e.svc.Create(ctx, e.pol, e.operator, marketing("双十二 A"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, marketing("双十二 B"))
		if err != nil {
			t.Fatal(err)
		}
		done := map[int64]*model.BulkSend{}
		for len(done) < 2 {
			select {
			case f := <-e.finished:
				done[f.ID] = f
			case <-time.After(60 * time.Second):
				t.Fatal("the two sends did not finish")
			}
		}
		if got := done[a.ID].Counts.Sent + done[b.ID].Counts.Sent; got != n || capped(done[a.ID])+capped(done[b.ID]) != n {
			t.Fatalf("two sends together sent %d (A %+v, B %+v), want %d in all", got, done[a.ID].Counts, done[b.ID].Counts, n)
		}
		if got := len(fake.Messages()) - before; got != n {
			t.Fatalf("provider took %d messages of the two sends, want %d", got, n)
		}
	})
}

// TestDryRunHeldAndCost: at 22:00 a marketing SMS dry run holds every
// Chinese recipient until 08:00 and prices the segments; it asks for
// confirmation above the threshold and for approval above the approval
// limits, not for an admin.
func TestDryRunHeldAndCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newQuietEnv(t, s, shanghaiAt(2, 22, 0))
		e.contacts(t, 30)
		e.provider(t)
		st := model.DefaultSettings()
		st.Prices = map[string]model.Money{model.PriceKey(model.ChannelSMS, "webhook"): 45_000} // 0.045 元
		st.ConfirmAbove, st.ApproveAbove = 20, 25
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		in := bulk.Input{Title: "年货节", Marketing: true, SMSText: "您好", Recipients: storage.RecipientSelection{HasMobile: true}}
		dr, err := e.svc.DryRun(ctx, e.pol, e.operator, in, []string{model.ChannelSMS}, 2)
		if err != nil {
			t.Fatal(err)
		}
		run := dr.Channels[0]
		if run.Send != 30 || run.Held != 30 || run.HeldUntil == nil || !run.HeldUntil.Equal(shanghaiAt(3, 8, 0)) {
			t.Fatalf("held: %+v", run)
		}
		if run.Units != 60 || run.Cost != 60*45_000 || dr.Cost.String() != "2.70" || dr.Unpriced {
			t.Fatalf("cost: %d units, %v (%s), unpriced %v", run.Units, run.Cost, dr.Cost, dr.Unpriced)
		}
		if run.Skipped[model.SkipOptedOut] != 1 || run.Skipped[model.SkipDoNotContact] != 1 || run.Skipped[model.SkipDuplicate] != 1 {
			t.Fatalf("skipped: %v", run.Skipped)
		}
		if !dr.Confirm || dr.Approval != bulk.ApprovalMessages {
			t.Fatalf("confirm %v, approval %q; want both", dr.Confirm, dr.Approval)
		}
		st.ApproveAbove, st.ApproveCost = 0, 2*model.Yuan
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		if dr, err = e.svc.DryRun(ctx, e.pol, e.operator, in, []string{model.ChannelSMS}, 2); err != nil || dr.Approval != bulk.ApprovalCost {
			t.Fatalf("approval by cost: %q, %v", dr.Approval, err)
		}
		admin := &model.User{Username: "boss", Role: model.RoleAdmin, Active: true}
		if dr, err = e.svc.DryRun(ctx, e.pol, admin, in, []string{model.ChannelSMS}, 2); err != nil || dr.Approval != "" {
			t.Fatalf("an admin's send: approval %q, %v", dr.Approval, err)
		}
	})
}
