package plan

import (
	"testing"
	"time"
)

func TestRecurrenceAcrossTimeZonesAndDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	until := time.Date(2026, 3, 12, 0, 0, 0, 0, ny)
	cases := []struct {
		name  string
		r     Recurrence
		first time.Time
		loc   *time.Location
		want  []string // wall-clock times in loc
	}{
		{"daily keeps 09:00 across the US spring-forward", Recurrence{Freq: Daily},
			time.Date(2026, 3, 7, 9, 0, 0, 0, ny), ny,
			[]string{"2026-03-08 09:00 EDT", "2026-03-09 09:00 EDT", "2026-03-10 09:00 EDT"}},
		{"weekly on Monday and Thursday", Recurrence{Freq: Weekly, Weekdays: []time.Weekday{time.Monday, time.Thursday}},
			time.Date(2026, 11, 2, 14, 30, 0, 0, sh), sh,
			[]string{"2026-11-05 14:30 CST", "2026-11-09 14:30 CST", "2026-11-12 14:30 CST"}},
		{"monthly on the 31st falls on the last day", Recurrence{Freq: Monthly, MonthDay: 31},
			time.Date(2026, 1, 31, 10, 0, 0, 0, sh), sh,
			[]string{"2026-02-28 10:00 CST", "2026-03-31 10:00 CST", "2026-04-30 10:00 CST"}},
		{"every 10 days across the US fall-back", Recurrence{Freq: EveryDays, Interval: 10},
			time.Date(2026, 10, 25, 8, 0, 0, 0, ny), ny,
			[]string{"2026-11-04 08:00 EST", "2026-11-14 08:00 EST", "2026-11-24 08:00 EST"}},
		{"count 3 stops after the third", Recurrence{Freq: Daily, Count: 3},
			time.Date(2026, 5, 1, 9, 0, 0, 0, sh), sh,
			[]string{"2026-05-02 09:00 CST", "2026-05-03 09:00 CST"}},
		{"until a date, inclusive", Recurrence{Freq: Daily, Until: &until},
			time.Date(2026, 3, 10, 9, 0, 0, 0, ny), ny,
			[]string{"2026-03-11 09:00 EDT", "2026-03-12 09:00 EDT"}},
	}
	for _, c := range cases {
		if err := c.r.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		prev := c.first
		for n := 1; n <= 3; n++ {
			next, ok := c.r.Next(prev, n, c.loc)
			if !ok {
				break
			}
			got = append(got, next.In(c.loc).Format("2006-01-02 15:04 MST"))
			prev = next
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: occurrence %d = %s, want %s", c.name, i+2, got[i], c.want[i])
			}
		}
	}
}

func TestRecurrenceValidation(t *testing.T) {
	bad := map[string]Recurrence{
		"recurrence.freq":      {Freq: "yearly"},
		"recurrence.weekdays":  {Freq: Weekly},
		"recurrence.month_day": {Freq: Monthly, MonthDay: 32},
		"recurrence.interval":  {Freq: EveryDays},
		"recurrence.count":     {Freq: Daily, Count: -1},
	}
	for field, r := range bad {
		err := r.Validate()
		if err == nil || !containsField(err, field) {
			t.Errorf("%+v: err = %v, want field %s", r, err, field)
		}
	}
}
