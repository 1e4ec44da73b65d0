package record_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestStaleDeliveriesEndUnknown: the periodic job ends single-contact
// deliveries a stopped process left sending for over five minutes as
// outcome unknown; a younger one, one already settled and a WeCom one
// (its poller's) are left alone.
func TestStaleDeliveriesEndUnknown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setupWeCom(t, s)
		mk := func(kind string, age time.Duration, sent bool) *model.Delivery {
			d := &model.Delivery{Kind: kind, Provider: "webhook", Address: "+8613800000001", CustomerID: &f.customer.ID,
				ContactID: &f.contact.ID, UserID: &f.rep.ID, Body: "您好"}
			must(t, s.CreateDelivery(ctx, d, nil))
			if sent {
				must(t, s.CompleteDelivery(ctx, d, nil, nil, nil))
			}
			_, err := s.DB().ExecContext(ctx, `UPDATE deliveries SET updated_at = $1 WHERE id = $2`, time.Now().Add(-age).UTC(), d.ID)
			must(t, err)
			return d
		}
		stale, young := mk("sms", 6*time.Minute, false), mk("sms", time.Minute, false)
		sent, weCom := mk("email", time.Hour, true), mk(model.ChannelWeCom, time.Hour, false)
		if _, err := f.queue.Insert(ctx, record.StaleArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		if d := f.delivery(t, stale.ID, model.DeliveryFailed); d.Reason != model.FailOutcomeUnknown {
			t.Fatalf("stale delivery: reason %q", d.Reason)
		}
		for _, c := range []struct {
			d    *model.Delivery
			want string
		}{{young, model.DeliverySending}, {sent, model.DeliverySent}, {weCom, model.DeliverySending}} {
			if got, _ := s.DeliveryByID(ctx, c.d.ID); got.Status != c.want {
				t.Errorf("%s delivery %d: %s, want %s", c.d.Kind, c.d.ID, got.Status, c.want)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
