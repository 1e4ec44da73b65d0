package plan_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"touchbase/internal/plan"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// Walking a plan list page by page (a keyset cursor after each page's last
// plan) lists every plan once, in the list's order, ties on the time
// broken by id — for the soonest-due lists and for the ended ones.
func TestPlanPagesWalkTheWholeList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		base := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
		var ids []int64
		for i := range 9 {
			// Three plans share each due time.
			ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID},
				Title: fmt.Sprintf("回访 %d", i), DueAt: base.Add(time.Duration(2-i/3) * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ps[0].ID)
		}
		walk := func(f storage.PlanFilter) []int64 {
			t.Helper()
			var got []int64
			f.Limit = 2
			for range 20 {
				page, err := w.plans.List(ctx, w.repPol, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, pl := range page {
					got = append(got, pl.ID)
				}
				if len(page) < f.Limit {
					return got
				}
				f.After = f.Next(page[len(page)-1])
			}
			t.Fatalf("no end after 20 pages: %v", got)
			return nil
		}
		all, err := w.plans.List(ctx, w.repPol, storage.PlanFilter{OwnerID: w.rep.ID})
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, pl := range all {
			want = append(want, pl.ID)
		}
		// Soonest due first: the last three created are due first, each
		// trio in id order.
		if exp := append(append(slices.Clone(ids[6:9]), ids[3:6]...), ids[0:3]...); !slices.Equal(want, exp) {
			t.Fatalf("the whole list: %v, want %v", want, exp)
		}
		if got := walk(storage.PlanFilter{OwnerID: w.rep.ID}); !slices.Equal(got, want) {
			t.Fatalf("pages: %v, want %v", got, want)
		}
		// Ended plans, most recently ended first: cancel them all, and give
		// pairs the same end time.
		for _, id := range ids {
			if err := w.plans.Cancel(ctx, w.repPol, id, "客户已联系"); err != nil {
				t.Fatal(err)
			}
		}
		end := time.Now().UTC().Truncate(time.Microsecond)
		for i, id := range ids {
			at := end.Add(-time.Duration(i/2) * time.Minute)
			if _, err := s.DB().ExecContext(ctx, `UPDATE plans SET completed_at = $1 WHERE id = $2`, at, id); err != nil {
				t.Fatal(err)
			}
		}
		done := storage.PlanFilter{OwnerID: w.rep.ID, Ended: true, Recent: true}
		all, err = w.plans.List(ctx, w.repPol, done)
		if err != nil {
			t.Fatal(err)
		}
		want = want[:0]
		for _, pl := range all {
			want = append(want, pl.ID)
		}
		exp := []int64{ids[1], ids[0], ids[3], ids[2], ids[5], ids[4], ids[7], ids[6], ids[8]}
		if !slices.Equal(want, exp) {
			t.Fatalf("ended plans: %v, want %v", want, exp)
		}
		if got := walk(done); !slices.Equal(got, want) {
			t.Fatalf("pages of ended plans: %v, want %v", got, want)
		}
	})
}
