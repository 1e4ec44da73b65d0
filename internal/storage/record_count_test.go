package storage_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestCountVisibleRecords counts what the list would show: only records of
// customers the user sees, narrowed by the filter's conditions, cut off
// one past the cap.
func TestCountVisibleRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		rep := newUser(t, s, "rep")
		mine := &model.Customer{Name: "恒信科技", Code: "HX", RepID: &rep.ID}
		if err := s.CreateCustomer(ctx, mine); err != nil {
			t.Fatal(err)
		}
		other := newCustomer(t, s, "Initech", "IN")
		base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		var recs []*model.Record
		for i := range 30 {
			r := &model.Record{CustomerID: mine.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
				Title: "回访", ContactedAt: base.Add(time.Duration(i) * time.Hour)}
			if i%3 == 0 {
				r.Channel, r.Source, r.Title = model.ChannelSMS, model.SourceSingle, "续费提醒"
			}
			recs = append(recs, r)
		}
		for i := range 12 {
			recs = append(recs, &model.Record{CustomerID: other.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
				Title: "续费提醒", ContactedAt: base.Add(time.Duration(i) * time.Hour)})
		}
		if err := s.InsertRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		own := permission.For(rep, model.Settings{Visibility: model.VisibilityOwn})
		admin := permission.Policy{Admin: true}
		for _, c := range []struct {
			name string
			p    permission.Policy
			f    storage.RecordFilter
			most int
			want int
		}{
			{"admin, everything", admin, storage.RecordFilter{}, 1000, 42},
			{"admin, cut off", admin, storage.RecordFilter{}, 10, 11},
			{"the rep's customers only", own, storage.RecordFilter{}, 1000, 30},
			{"by channel", own, storage.RecordFilter{Channel: model.ChannelSMS}, 1000, 10},
			{"by keyword", own, storage.RecordFilter{Query: "续费"}, 1000, 10},
			{"by keyword, admin", admin, storage.RecordFilter{Query: "续费"}, 1000, 22},
			{"by time", own, storage.RecordFilter{From: base.Add(24 * time.Hour)}, 1000, 6},
			{"an invisible customer asked for", own, storage.RecordFilter{CustomerID: other.ID}, 1000, 0},
			{"paging ignored", own, storage.RecordFilter{Limit: 5, After: &storage.RecordCursor{ContactedAt: base, ID: 1}}, 1000, 30},
		} {
			n, err := s.CountVisibleRecords(ctx, c.p, c.f, c.most)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n != c.want {
				t.Errorf("%s: counted %d, want %d", c.name, n, c.want)
			}
		}
	})
}
