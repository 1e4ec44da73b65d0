package model

import (
	"fmt"
	"time"
)

// QuietWindow is when sends of one channel and kind may go out, in the
// recipient's local time: from Start until End ("08:00"–"21:00"; an End
// before Start runs past midnight). Outside it is quiet (免打扰): sends
// wait for the window to open. Both empty: any time.
type QuietWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// AnyTime reports whether the window never holds a send.
func (w QuietWindow) AnyTime() bool { return w.Start == "" && w.End == "" }

// ParseClock reads a local time of day "HH:MM" as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Opens returns, for t in the time zone it carries, whether the window is
// open at t and, when it is not, the moment it next opens. A window that
// does not parse (only validated settings reach here) is taken as any
// time, so a send is never held for ever.
func (w QuietWindow) Opens(t time.Time) (open bool, at time.Time) {
	if w.AnyTime() {
		return true, time.Time{}
	}
	start, err1 := ParseClock(w.Start)
	end, err2 := ParseClock(w.End)
	if err1 != nil || err2 != nil || start == end {
		return true, time.Time{}
	}
	m := t.Hour()*60 + t.Minute()
	if start < end && m >= start && m < end || start > end && (m >= start || m < end) {
		return true, time.Time{}
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	at = day.Add(time.Duration(start) * time.Minute)
	if m >= start { // past today's opening (and its closing): tomorrow's
		at = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location()).Add(time.Duration(start) * time.Minute)
	}
	return false, at
}

// QuietHours holds the send windows per channel and kind of send.
type QuietHours struct {
	SMSMarketing   QuietWindow `json:"sms_marketing"`
	SMSService     QuietWindow `json:"sms_service"`
	EmailMarketing QuietWindow `json:"email_marketing"`
	EmailService   QuietWindow `json:"email_service"`
}

// DefaultQuietHours lets marketing SMS go out from 08:00 to 21:00, as
// carriers in China require, and everything else at any time.
func DefaultQuietHours() QuietHours {
	return QuietHours{SMSMarketing: QuietWindow{Start: "08:00", End: "21:00"}}
}

// QuietWindowKeys names the windows as settings fields, in display order.
var QuietWindowKeys = []string{"sms_marketing", "sms_service", "email_marketing", "email_service"}

// Window returns the window of a channel and kind.
func (q QuietHours) Window(channel string, marketing bool) QuietWindow {
	switch {
	case channel == ChannelSMS && marketing:
		return q.SMSMarketing
	case channel == ChannelSMS:
		return q.SMSService
	case channel == ChannelEmail && marketing:
		return q.EmailMarketing
	case channel == ChannelEmail:
		return q.EmailService
	}
	return QuietWindow{}
}

// Named returns the window a QuietWindowKeys key names (for templates).
func (q QuietHours) Named(key string) QuietWindow {
	if w := q.ByKey(key); w != nil {
		return *w
	}
	return QuietWindow{}
}

// ByKey returns a pointer to the window a QuietWindowKeys key names.
func (q *QuietHours) ByKey(key string) *QuietWindow {
	switch key {
	case "sms_marketing":
		return &q.SMSMarketing
	case "sms_service":
		return &q.SMSService
	case "email_marketing":
		return &q.EmailMarketing
	case "email_service":
		return &q.EmailService
	}
	return nil
}
