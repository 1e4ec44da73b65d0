package web

import (
	"strings"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/plan"
)

// planState is the catalog key of a plan's state: its status, or overdue
// for an open plan past its due time.
func planState(p *model.Plan, now time.Time) string {
	switch p.Status {
	case model.PlanDone:
		return "planstate.done"
	case model.PlanClosed:
		return "planstate.closed"
	case model.PlanCancelled:
		return "planstate.cancelled"
	}
	if p.DueAt.Before(now) {
		return "planstate.overdue"
	}
	return "planstate.open"
}

// remindText says when a plan's reminder fires, in words.
func remindText(lang string, minutes *int) string {
	switch {
	case minutes == nil:
		return i18n.T(lang, "plan.remind_none")
	case *minutes == 0:
		return i18n.T(lang, "plan.remind_at_due")
	case *minutes%1440 == 0:
		return i18n.T(lang, "plan.remind_days", *minutes/1440)
	case *minutes%60 == 0:
		return i18n.T(lang, "plan.remind_hours", *minutes/60)
	}
	return i18n.T(lang, "plan.remind_minutes", *minutes)
}

// recurrenceText says a stored repeat rule in words ("Every week on Mon,
// Thu, 10 times"); "" for a one-off plan.
func recurrenceText(lang, rule string, loc *time.Location) string {
	r, err := plan.ParseRecurrence(rule)
	if err != nil || r == nil {
		return ""
	}
	var s string
	switch r.Freq {
	case plan.Daily:
		s = i18n.T(lang, "recur.daily")
	case plan.EveryDays:
		s = i18n.T(lang, "recur.every_n_days", r.Interval)
	case plan.Weekly:
		days := make([]string, len(r.Weekdays))
		for i, d := range r.Weekdays {
			days[i] = i18n.T(lang, weekdayKey(d))
		}
		s = i18n.T(lang, "recur.weekly", strings.Join(days, i18n.T(lang, "recur.list_sep")))
	case plan.Monthly:
		s = i18n.T(lang, "recur.monthly", r.MonthDay)
	default:
		return r.Freq
	}
	switch {
	case r.Until != nil:
		s += i18n.T(lang, "recur.until", r.Until.In(loc).Format(time.DateOnly))
	case r.Count > 0:
		s += i18n.T(lang, "recur.count", r.Count)
	}
	return s
}

// weekdayKey is the catalog key of a day of the week's short name.
func weekdayKey(d time.Weekday) string {
	switch d {
	case time.Monday:
		return "weekday.mon"
	case time.Tuesday:
		return "weekday.tue"
	case time.Wednesday:
		return "weekday.wed"
	case time.Thursday:
		return "weekday.thu"
	case time.Friday:
		return "weekday.fri"
	case time.Saturday:
		return "weekday.sat"
	}
	return "weekday.sun"
}

// weekdayChoice is one day of the week in the plan form and the calendar.
type weekdayChoice struct {
	Day int
	Key string
}

// weekdays lists the days of the week from Monday.
func weekdays() []weekdayChoice {
	out := make([]weekdayChoice, 7)
	for i := range out {
		d := time.Weekday((i + 1) % 7)
		out[i] = weekdayChoice{Day: int(d), Key: weekdayKey(d)}
	}
	return out
}
