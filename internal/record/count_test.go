package record_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestCountStopsAtTheCap counts exactly up to the cap asked for and says
// "more" past it.
func TestCountStopsAtTheCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		const most = 40
		recs := make([]*model.Record, most)
		for i := range recs {
			recs[i] = &model.Record{CustomerID: f.customer.ID, ContactID: &f.contact.ID, Channel: model.ChannelPhone,
				Source: model.SourceManual, Title: "回访", ContactedAt: base.Add(-time.Duration(i) * time.Second)}
		}
		if err := s.InsertRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if n, more, err := f.svc.Count(ctx, f.repPol, storage.RecordFilter{}, most); err != nil || n != most || more {
			t.Fatalf("at the cap: %d, more %v, %v", n, more, err)
		}
		if err := s.InsertRecords(ctx, []*model.Record{{CustomerID: f.customer.ID, Channel: model.ChannelEmail,
			Source: model.SourceManual, Title: "续费提醒", ContactedAt: base}}); err != nil {
			t.Fatal(err)
		}
		if n, more, err := f.svc.Count(ctx, f.repPol, storage.RecordFilter{}, most); err != nil || n != most || !more {
			t.Fatalf("past the cap: %d, more %v, %v", n, more, err)
		}
		if n, more, err := f.svc.Count(ctx, f.repPol, storage.RecordFilter{Channel: model.ChannelEmail}, most); err != nil || n != 1 || more {
			t.Fatalf("filtered: %d, more %v, %v", n, more, err)
		}
	})
}
