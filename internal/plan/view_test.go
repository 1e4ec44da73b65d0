package plan

import (
	"testing"
	"time"

	"touchbase/internal/storage"
)

// TestOpenViewsPartTheOpenPlans: every due time falls in exactly one of
// overdue, today and upcoming, so a plan due this morning and not done is
// overdue, not also today's.
func TestOpenViewsPartTheOpenPlans(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	now := time.Date(2026, 12, 7, 11, 0, 0, 0, loc)
	s := NewService(nil, nil, func() time.Time { return now })
	in := func(f storage.PlanFilter, due time.Time) bool {
		return (f.DueFrom.IsZero() || !due.Before(f.DueFrom)) && (f.DueTo.IsZero() || due.Before(f.DueTo))
	}
	for _, due := range []time.Time{
		now.AddDate(0, 0, -3), time.Date(2026, 12, 7, 0, 0, 0, 0, loc), time.Date(2026, 12, 7, 9, 0, 0, 0, loc),
		now.Add(-time.Second), now, time.Date(2026, 12, 7, 23, 59, 0, 0, loc), time.Date(2026, 12, 8, 0, 0, 0, 0, loc), now.AddDate(0, 1, 0),
	} {
		var views []string
		for _, v := range []string{ViewOverdue, ViewToday, ViewUpcoming} {
			f, err := s.InViewAt(storage.PlanFilter{}, v, loc)
			if err != nil {
				t.Fatal(err)
			}
			if in(f, due) {
				views = append(views, v)
			}
		}
		if len(views) != 1 {
			t.Errorf("due %s is in %v, want exactly one view", due.Format("01-02 15:04:05"), views)
		}
	}
}
