package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestListRecordsNewerWalksBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		rep := &model.User{Username: "rep", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, rep); err != nil {
			t.Fatal(err)
		}
		mine := &model.Customer{Name: "Mine", Code: "M", RepID: &rep.ID}
		theirs := &model.Customer{Name: "Theirs", Code: "T"}
		for _, c := range []*model.Customer{mine, theirs} {
			if err := s.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := 0; i < 23; i++ {
			// Pairs share a time, so the id breaks ties.
			for _, c := range []*model.Customer{mine, theirs} {
				if err := s.CreateRecord(ctx, &model.Record{CustomerID: c.ID, Channel: model.ChannelPhone,
					Source: model.SourceManual, ContactedAt: base.Add(time.Duration(i/2) * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		agent := permission.Policy{UserID: rep.ID, Visibility: model.VisibilityOwn}
		f := storage.RecordFilter{Limit: 5}
		var pages [][]int64
		ids := func(rs []*model.Record) []int64 {
			out := make([]int64, len(rs))
			for i, r := range rs {
				out[i] = r.ID
				if r.CustomerID != mine.ID {
					t.Fatalf("record %d of an invisible customer", r.ID)
				}
			}
			return out
		}
		for {
			page, next, err := s.ListRecords(ctx, agent, f)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, ids(page))
			if next == nil {
				break
			}
			f.After = next
		}
		if len(pages) != 5 {
			t.Fatalf("%d pages, want 5", len(pages))
		}
		// From the first record of each page, walking back gives the page before.
		for i := len(pages) - 1; i > 0; i-- {
			first, err := s.RecordByID(ctx, agent, pages[i][0])
			if err != nil {
				t.Fatal(err)
			}
			page, more, err := s.ListRecordsNewer(ctx, agent, storage.RecordFilter{Limit: 5},
				storage.RecordCursor{ContactedAt: first.ContactedAt, ID: first.ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page); !slices.Equal(got, pages[i-1]) {
				t.Fatalf("page before %d: %v, want %v", i, got, pages[i-1])
			}
			if more != (i > 1) {
				t.Fatalf("page before %d: more = %v", i, more)
			}
		}
	})
}
