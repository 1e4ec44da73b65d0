package web

import (
	"net/http"
	"time"

	"touchbase/internal/model"
)

// calendarDay is one cell of the month calendar.
type calendarDay struct {
	Date    time.Time
	InMonth bool
	Today   bool
	Plans   []*model.Plan
}

// planCalendarData is the data of the month calendar of plans.
type planCalendarData struct {
	base
	Month      time.Time // the first of the month, in the user's time zone
	Weeks      [][]calendarDay
	Weekdays   []weekdayChoice
	Scope      planScope
	Prev, Next string
	ListURL    string
	Now        time.Time
	Full       bool // the month holds more plans than were placed
}

// planCalendar shows the plans of a month (?month=2026-11, else this
// month) on their days in the user's time zone, weeks from Monday, with
// the previous and next months a click away.
func (h *handler) planCalendar(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), identity(r)
	d := planCalendarData{base: h.base(w, r, "plans", "plans.calendar"), Weekdays: weekdays(), Now: time.Now()}
	today := dayStart(d.Now, d.Loc)
	d.Month = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, d.Loc)
	if m, err := time.ParseInLocation("2006-01", r.URL.Query().Get("month"), d.Loc); err == nil && m.Year() > 1900 && m.Year() < 3000 {
		d.Month = m
	}
	var err error
	if d.Scope, err = h.readPlanScope(ctx, id, r.URL.Query()); err != nil {
		h.fail(w, r, err)
		return
	}
	d.Prev = "/plans/calendar" + d.Scope.query("month", d.Month.AddDate(0, -1, 0).Format("2006-01"))
	d.Next = "/plans/calendar" + d.Scope.query("month", d.Month.AddDate(0, 1, 0).Format("2006-01"))
	d.ListURL = "/plans" + d.Scope.query()
	start := d.Month.AddDate(0, 0, -((int(d.Month.Weekday()) + 6) % 7)) // the Monday on or before the 1st
	end := d.Month.AddDate(0, 1, 0)
	end = end.AddDate(0, 0, (7-(int(end.Weekday())+6)%7)%7) // the Monday after the last week
	f := d.Scope.filter()
	f.DueFrom, f.DueTo, f.Limit = start, end, 1000
	plans, err := h.app.Plans.List(ctx, id.Policy, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Full = len(plans) == f.Limit
	byDay := map[string][]*model.Plan{}
	for _, p := range plans {
		k := p.DueAt.In(d.Loc).Format(time.DateOnly)
		byDay[k] = append(byDay[k], p)
	}
	for day := start; day.Before(end); day = day.AddDate(0, 0, 1) {
		if (int(day.Weekday())+6)%7 == 0 {
			d.Weeks = append(d.Weeks, nil)
		}
		week := &d.Weeks[len(d.Weeks)-1]
		*week = append(*week, calendarDay{Date: day, InMonth: day.Month() == d.Month.Month(), Today: day.Equal(today),
			Plans: byDay[day.Format(time.DateOnly)]})
	}
	h.render(w, r, http.StatusOK, "plans_calendar.html", d)
}
