package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"touchbase/internal/model"
)

// Recurrence frequencies.
const (
	Daily     = "daily"
	Weekly    = "weekly"
	Monthly   = "monthly"
	EveryDays = "every_n_days"
)

// Recurrence says when a plan comes back. Occurrences keep the first due
// time's wall-clock time in the owner's time zone, across daylight-saving
// changes.
type Recurrence struct {
	Freq     string         `json:"freq"`
	Interval int            `json:"interval,omitempty"` // every N days (every_n_days)
	Weekdays []time.Weekday `json:"weekdays,omitempty"` // weekly: the days, 0 = Sunday
	MonthDay int            `json:"month_day,omitempty"`
	Until    *time.Time     `json:"until,omitempty"` // last day an occurrence may fall on (inclusive)
	Count    int            `json:"count,omitempty"` // total occurrences, the first included
}

// Validate checks the rule, naming the faulty field under "recurrence.".
func (r *Recurrence) Validate() error {
	var errs model.ValidationErrors
	switch r.Freq {
	case Daily:
	case Weekly:
		if len(r.Weekdays) == 0 {
			errs.Add("recurrence.weekdays", "required", "choose at least one day of the week")
		}
		for _, d := range r.Weekdays {
			if d < time.Sunday || d > time.Saturday {
				errs.Add("recurrence.weekdays", "invalid", "days of the week are 0 (Sunday) to 6")
				break
			}
		}
	case Monthly:
		if r.MonthDay < 1 || r.MonthDay > 31 {
			errs.Add("recurrence.month_day", "invalid", "day of the month must be 1 to 31")
		}
	case EveryDays:
		if r.Interval < 1 || r.Interval > 366 {
			errs.Add("recurrence.interval", "invalid", "interval must be 1 to 366 days")
		}
	default:
		errs.Add("recurrence.freq", "invalid", "frequency must be daily, weekly, monthly or every_n_days")
	}
	if r.Count < 0 || r.Count > 1000 {
		errs.Add("recurrence.count", "invalid", "count must be 0 (no limit) to 1000")
	}
	return errs.Err()
}

// Next returns the occurrence after prev (the n-th occurrence, 1-based),
// or false when the rule has ended. loc is the owner's time zone.
func (r *Recurrence) Next(prev time.Time, n int, loc *time.Location) (time.Time, bool) {
	if r.Count > 0 && n >= r.Count {
		return time.Time{}, false
	}
	p := prev.In(loc)
	h, m, s := p.Clock()
	ns := p.Nanosecond()
	at := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, h, m, s, ns, loc) }
	var next time.Time
	switch r.Freq {
	case Daily:
		next = at(p.Year(), p.Month(), p.Day()+1)
	case EveryDays:
		next = at(p.Year(), p.Month(), p.Day()+r.Interval)
	case Weekly:
		for i := 1; i <= 7; i++ {
			c := at(p.Year(), p.Month(), p.Day()+i)
			if slices.Contains(r.Weekdays, c.Weekday()) {
				next = c
				break
			}
		}
	case Monthly:
		// The day, or the month's last day when it is shorter.
		y, mo := p.Year(), p.Month()+1
		last := time.Date(y, mo+1, 0, 0, 0, 0, 0, loc).Day()
		next = at(y, mo, min(r.MonthDay, last))
	default:
		return time.Time{}, false
	}
	if r.Until != nil {
		u := r.Until.In(loc)
		end := time.Date(u.Year(), u.Month(), u.Day()+1, 0, 0, 0, 0, loc)
		if !next.Before(end) {
			return time.Time{}, false
		}
	}
	return next, true
}

// ParseRecurrence decodes a stored rule; "" means none.
func ParseRecurrence(s string) (*Recurrence, error) {
	if s == "" {
		return nil, nil
	}
	var r Recurrence
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return nil, fmt.Errorf("plan: recurrence: %w", err)
	}
	return &r, nil
}

// String encodes the rule for storage.
func (r *Recurrence) String() string {
	if r == nil {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}
