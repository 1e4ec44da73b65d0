package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestRecordsFilterPageAndPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		rep := &model.User{Username: "rep", Role: model.RoleAgent, Active: true}
		other := &model.User{Username: "other", Role: model.RoleAgent, Active: true}
		for _, u := range []*model.User{rep, other} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		mine := &model.Customer{Name: "Mine", Code: "M", RepID: &rep.ID}
		theirs := &model.Customer{Name: "Theirs", Code: "T", RepID: &other.ID}
		for _, c := range []*model.Customer{mine, theirs} {
			if err := s.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		ct := &model.Contact{CustomerID: mine.ID, Name: "Li Lei", Mobile: "+8613800000001"}
		if err := s.CreateContact(ctx, ct); err != nil {
			t.Fatal(err)
		}
		topic := &model.Topic{Name: "续费提醒", Active: true}
		if err := s.CreateTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		// 30 records on Mine (every 10th by SMS with a topic), 5 on Theirs.
		for i := 0; i < 30; i++ {
			r := &model.Record{CustomerID: mine.ID, ContactID: &ct.ID, UserID: &rep.ID, Channel: model.ChannelPhone,
				Source: model.SourceManual, Title: "call", Summary: "回访", ContactedAt: base.Add(time.Duration(i) * time.Hour)}
			if i%10 == 0 {
				r.Channel, r.Source, r.TopicIDs, r.Summary = model.ChannelSMS, model.SourceSingle, []int64{topic.ID}, "续费 renewal"
			}
			if err := s.CreateRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 5; i++ {
			if err := s.CreateRecord(ctx, &model.Record{CustomerID: theirs.ID, UserID: &other.ID, Channel: model.ChannelVisit,
				Source: model.SourceManual, ContactedAt: base}); err != nil {
				t.Fatal(err)
			}
		}
		admin := permission.Policy{Admin: true}
		agent := permission.Policy{UserID: rep.ID, Visibility: model.VisibilityOwn}

		count := func(p permission.Policy, f storage.RecordFilter) int {
			t.Helper()
			n := 0
			if err := s.EachRecord(ctx, p, f, func(*model.Record) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		cases := []struct {
			name string
			p    permission.Policy
			f    storage.RecordFilter
			want int
		}{
			{"admin all", admin, storage.RecordFilter{}, 35},
			{"agent sees only visible customers", agent, storage.RecordFilter{}, 30},
			{"agent asking for invisible customer", agent, storage.RecordFilter{CustomerID: theirs.ID}, 0},
			{"by customer", admin, storage.RecordFilter{CustomerID: theirs.ID}, 5},
			{"by contact", admin, storage.RecordFilter{ContactID: ct.ID}, 30},
			{"by rep", admin, storage.RecordFilter{UserID: other.ID}, 5},
			{"by channel", admin, storage.RecordFilter{Channel: model.ChannelSMS}, 3},
			{"by source", admin, storage.RecordFilter{Source: model.SourceSingle}, 3},
			{"by topic", admin, storage.RecordFilter{TopicID: topic.ID}, 3},
			{"by keyword, case-insensitive", admin, storage.RecordFilter{Query: "RENEWAL"}, 3},
			{"by keyword, Chinese", admin, storage.RecordFilter{Query: "回访"}, 27},
			{"date range", admin, storage.RecordFilter{From: base.Add(5 * time.Hour), To: base.Add(10 * time.Hour)}, 5},
			{"keyword with LIKE metacharacters", admin, storage.RecordFilter{Query: "%"}, 0},
		}
		for _, c := range cases {
			if got := count(c.p, c.f); got != c.want {
				t.Errorf("%s: %d records, want %d", c.name, got, c.want)
			}
		}

		// Keyset pages: newest first, no duplicates, stable while new records arrive.
		seen := map[int64]bool{}
		var prev *model.Record
		f := storage.RecordFilter{CustomerID: mine.ID, Limit: 7}
		pages := 0
		for {
			page, next, err := s.ListRecords(ctx, admin, f)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, r := range page {
				if seen[r.ID] {
					t.Fatalf("record %d on two pages", r.ID)
				}
				seen[r.ID] = true
				if prev != nil && (r.ContactedAt.After(prev.ContactedAt) || (r.ContactedAt.Equal(prev.ContactedAt) && r.ID > prev.ID)) {
					t.Fatalf("order broken: %d after %d", r.ID, prev.ID)
				}
				prev = r
			}
			// A newer record arriving mid-way must not shift later pages.
			if err := s.CreateRecord(ctx, &model.Record{CustomerID: mine.ID, Channel: model.ChannelPhone,
				Source: model.SourceManual, ContactedAt: base.Add(100 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if next == nil {
				break
			}
			c, err := storage.ParseRecordCursor(next.String())
			if err != nil || !c.ContactedAt.Equal(next.ContactedAt) || c.ID != next.ID {
				t.Fatalf("cursor round trip: %v %+v %+v", err, c, next)
			}
			f.After = c
		}
		if len(seen) != 30 || pages != 5 {
			t.Fatalf("paged through %d records in %d pages, want 30 in 5", len(seen), pages)
		}

		r, err := s.RecordByID(ctx, admin, 1)
		if err != nil || r.CustomerName != "Mine" || r.ContactName != "Li Lei" || len(r.TopicIDs) != 1 {
			t.Fatalf("record 1: %+v %v", r, err)
		}
		var theirsID int64
		_ = s.EachRecord(ctx, admin, storage.RecordFilter{CustomerID: theirs.ID}, func(r *model.Record) error { theirsID = r.ID; return nil })
		if _, err := s.RecordByID(ctx, agent, theirsID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("invisible record: %v, want ErrNotFound", err)
		}
		if _, err := storage.ParseRecordCursor("garbage"); err == nil {
			t.Fatal("garbage cursor accepted")
		}
		err = s.CreateRecord(ctx, &model.Record{CustomerID: mine.ID, Channel: "phone", Source: "manual", TopicIDs: []int64{9999}})
		if fe, ok := model.AsValidation(err); !ok || fe.For("topic_ids") == nil {
			t.Fatalf("unknown topic: %v", err)
		}
		if got := count(admin, storage.RecordFilter{CustomerID: mine.ID}); got != 30+pages {
			t.Fatalf("a failed record write left a trace: %d records", got)
		}
	})
}
