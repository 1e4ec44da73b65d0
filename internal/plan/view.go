package plan

import (
	"context"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// The tabs of "My plans".
const (
	ViewToday    = "today"    // open, due on the user's calendar day
	ViewOverdue  = "overdue"  // open, due before now
	ViewUpcoming = "upcoming" // open, due after the user's today
	ViewDone     = "done"     // done, closed or cancelled, most recently ended first
)

// Views lists the tabs.
var Views = []string{ViewToday, ViewOverdue, ViewUpcoming, ViewDone}

// InView narrows f to one tab at the service's current time, "today"
// being the calendar day in time zone tz (UTC when unknown). The open tabs
// part the open plans: overdue (due before now), today (due from now to
// midnight) and upcoming (due from tomorrow), so none is counted twice. Due bounds
// already in f are kept where they are narrower. An empty view leaves f
// as it is.
func (s *Service) InView(f storage.PlanFilter, view, tz string) (storage.PlanFilter, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return s.InViewAt(f, view, loc)
}

// InViewAt is InView with the time zone loaded.
func (s *Service) InViewAt(f storage.PlanFilter, view string, loc *time.Location) (storage.PlanFilter, error) {
	now := s.now().In(loc)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	switch view {
	case "":
		return f, nil
	case ViewToday: // still due today: one already past is overdue, never both
		narrow(&f, now, tomorrow)
	case ViewOverdue:
		narrow(&f, time.Time{}, now)
	case ViewUpcoming:
		narrow(&f, tomorrow, time.Time{})
	case ViewDone:
		f.Ended, f.Recent = true, true
		return f, nil
	default:
		return f, model.NewFieldError("view", "invalid", "view must be today, overdue, upcoming or done")
	}
	f.Status = model.PlanOpen
	return f, nil
}

// narrow intersects f's due window with [from, to); zero bounds are open.
func narrow(f *storage.PlanFilter, from, to time.Time) {
	if !from.IsZero() && (f.DueFrom.IsZero() || from.After(f.DueFrom)) {
		f.DueFrom = from
	}
	if !to.IsZero() && (f.DueTo.IsZero() || to.Before(f.DueTo)) {
		f.DueTo = to
	}
}

// Count counts the plans List would return, without its limit.
func (s *Service) Count(ctx context.Context, p permission.Policy, f storage.PlanFilter) (int, error) {
	return s.store.CountPlans(ctx, p, f)
}

// GetMany returns the plans of ids the user may see, with their topics, in
// the order of ids.
func (s *Service) GetMany(ctx context.Context, p permission.Policy, ids []int64) ([]*model.Plan, error) {
	return s.store.PlansByID(ctx, p, ids)
}

// FillTopics sets the topics of plans listed without them.
func (s *Service) FillTopics(ctx context.Context, plans []*model.Plan) error {
	return s.store.FillPlanTopics(ctx, plans)
}

// Now is the service's clock: what "overdue" is measured against.
func (s *Service) Now() time.Time { return s.now() }
