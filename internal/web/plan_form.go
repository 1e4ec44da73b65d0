package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/plan"
)

// Reminder choices of the plan form besides a number of minutes.
const (
	remindNone   = ""
	remindCustom = "custom"
)

// Recurrence end choices of the plan form.
const (
	repeatForever = "never"
	repeatUntil   = "until"
	repeatCount   = "count"
)

// planForm is what the rep typed in the plan form: the fields of a new
// plan, of an edited one, and of a reschedule.
type planForm struct {
	CustomerIDs  []int64
	ContactID    int64
	OwnerID      int64
	Title        string
	Notes        string
	TopicIDs     []int64
	DueAt        string // datetime-local, in the user's time zone
	Remind       string // remindNone, a number of minutes, or remindCustom
	RemindCustom string // minutes, with remindCustom
	RemindEmail  bool
	Repeat       string // "" or a plan.Recurrence frequency
	Weekdays     []int64
	MonthDay     string
	Interval     string
	RepeatEnd    string // repeatForever, repeatUntil or repeatCount
	Until        string // date
	Count        string
}

// readPlanForm reads the posted plan form.
func readPlanForm(r *http.Request) planForm {
	f := planForm{CustomerIDs: formIDs(r, "customer_ids"), Title: r.FormValue("title"), Notes: r.FormValue("notes"),
		TopicIDs: formIDs(r, "topic_ids"), DueAt: strings.TrimSpace(r.FormValue("due_at")), Remind: r.FormValue("remind"),
		RemindCustom: strings.TrimSpace(r.FormValue("remind_custom")), RemindEmail: formBool(r, "remind_email"),
		Repeat: r.FormValue("repeat"), MonthDay: strings.TrimSpace(r.FormValue("month_day")),
		Interval: strings.TrimSpace(r.FormValue("interval")), RepeatEnd: r.FormValue("repeat_end"),
		Until: strings.TrimSpace(r.FormValue("until")), Count: strings.TrimSpace(r.FormValue("count"))}
	if id := formID(r, "contact_id"); id != nil {
		f.ContactID = *id
	}
	if id := formID(r, "owner_id"); id != nil {
		f.OwnerID = *id
	}
	for _, v := range formValues(r, "weekdays") {
		if d, err := strconv.ParseInt(v, 10, 64); err == nil {
			f.Weekdays = append(f.Weekdays, d)
		}
	}
	return f
}

// newPlanForm is the form of a new plan: due tomorrow at 10:00 in the
// user's time zone, reminded 15 minutes ahead.
func newPlanForm(now time.Time, loc *time.Location) planForm {
	n := now.In(loc)
	due := time.Date(n.Year(), n.Month(), n.Day()+1, 10, 0, 0, 0, loc)
	return planForm{DueAt: due.Format(datetimeLocal), Remind: "15", RepeatEnd: repeatForever,
		MonthDay: strconv.Itoa(due.Day()), Interval: "2", Weekdays: []int64{int64(due.Weekday())}}
}

// planFormOf is the form of an existing plan, for editing it.
func planFormOf(p *model.Plan, loc *time.Location) planForm {
	f := newPlanForm(p.DueAt, loc)
	f.DueAt = p.DueAt.In(loc).Format(datetimeLocal)
	f.Title, f.Notes, f.TopicIDs, f.RemindEmail, f.Remind = p.Title, p.Notes, p.TopicIDs, p.RemindEmail, remindNone
	if p.ContactID != nil {
		f.ContactID = *p.ContactID
	}
	if m := p.RemindMinutes; m != nil {
		f.Remind = strconv.Itoa(*m)
		if !isRemindChoice(*m) {
			f.Remind, f.RemindCustom = remindCustom, strconv.Itoa(*m)
		}
	}
	rec, _ := plan.ParseRecurrence(p.Recurrence)
	if rec == nil {
		return f
	}
	f.Repeat = rec.Freq
	if rec.Freq == plan.Weekly {
		f.Weekdays = nil
		for _, d := range rec.Weekdays {
			f.Weekdays = append(f.Weekdays, int64(d))
		}
	}
	if rec.MonthDay > 0 {
		f.MonthDay = strconv.Itoa(rec.MonthDay)
	}
	if rec.Interval > 0 {
		f.Interval = strconv.Itoa(rec.Interval)
	}
	switch {
	case rec.Until != nil:
		f.RepeatEnd, f.Until = repeatUntil, rec.Until.In(loc).Format(time.DateOnly)
	case rec.Count > 0:
		f.RepeatEnd, f.Count = repeatCount, strconv.Itoa(rec.Count)
	}
	return f
}

// remindChoices are the reminder lead times offered by name, in minutes.
func remindChoices() []int { return []int{0, 15, 60, 1440} }

func isRemindChoice(m int) bool {
	for _, c := range remindChoices() {
		if c == m {
			return true
		}
	}
	return false
}

// due parses the due time in loc; a value that does not parse is a field
// error (an empty one is left to the service, which requires it).
func (f planForm) due(loc *time.Location, errs *model.ValidationErrors) time.Time {
	if f.DueAt == "" {
		return time.Time{}
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, f.DueAt, loc); err == nil {
			return t
		}
	}
	errs.Add("due_at", "invalid", "not a date and time")
	return time.Time{}
}

// remind reads the reminder lead time: nil for none.
func (f planForm) remind(errs *model.ValidationErrors) *int {
	v := f.Remind
	switch v {
	case remindNone:
		return nil
	case remindCustom:
		v = f.RemindCustom
	}
	m, err := strconv.Atoi(v)
	if err != nil {
		errs.Add("remind_minutes", "invalid", "enter the minutes before the due time")
		return nil
	}
	return &m
}

// recurrence reads the repeat rule: nil for a one-off plan. The service
// validates the numbers; here only what does not parse is refused.
func (f planForm) recurrence(loc *time.Location, errs *model.ValidationErrors) *plan.Recurrence {
	if f.Repeat == "" {
		return nil
	}
	r := &plan.Recurrence{Freq: f.Repeat}
	num := func(field, v string) int {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add(field, "invalid", "enter a whole number")
		}
		return n
	}
	switch f.Repeat {
	case plan.Weekly:
		for _, d := range f.Weekdays {
			r.Weekdays = append(r.Weekdays, time.Weekday(d))
		}
	case plan.Monthly:
		r.MonthDay = num("recurrence.month_day", f.MonthDay)
	case plan.EveryDays:
		r.Interval = num("recurrence.interval", f.Interval)
	}
	switch f.RepeatEnd {
	case repeatUntil:
		t, err := time.ParseInLocation(time.DateOnly, f.Until, loc)
		if err != nil {
			errs.Add("recurrence.until", "invalid", "enter a date")
		} else {
			r.Until = &t
		}
	case repeatCount:
		if r.Count = num("recurrence.count", f.Count); r.Count < 1 && f.Count != "" {
			errs.Add("recurrence.count", "invalid", "enter a number of times from 1 to 1000")
		}
	}
	return r
}

// input turns a new plan's form into the service's input; what does not
// parse comes back as field errors.
func (f planForm) input(loc *time.Location) (plan.Input, error) {
	var errs model.ValidationErrors
	in := plan.Input{OwnerID: f.OwnerID, CustomerIDs: f.CustomerIDs, Title: f.Title, Notes: f.Notes, TopicIDs: f.TopicIDs,
		DueAt: f.due(loc, &errs), RemindMinutes: f.remind(&errs), RemindEmail: f.RemindEmail, Recurrence: f.recurrence(loc, &errs)}
	if f.ContactID != 0 {
		id := f.ContactID
		in.ContactID = &id
	}
	return in, errs.Err()
}

// edit turns an edited plan's form into the service's edit.
func (f planForm) edit(loc *time.Location) (plan.Edit, error) {
	in, err := f.input(loc)
	return plan.Edit{ContactID: in.ContactID, Title: in.Title, Notes: in.Notes, TopicIDs: in.TopicIDs, DueAt: in.DueAt,
		RemindMinutes: in.RemindMinutes, RemindEmail: in.RemindEmail, Recurrence: in.Recurrence}, err
}

// HasWeekday reports whether a day of the week is ticked.
func (f planForm) HasWeekday(d int) bool {
	for _, w := range f.Weekdays {
		if w == int64(d) {
			return true
		}
	}
	return false
}
