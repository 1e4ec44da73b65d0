package model

import (
	"fmt"
	"time"
)

// FrequencyCap bounds how many messages of one kind (marketing or
// service) one contact gets on one channel within a window of hours,
// across every send: a recipient over it is skipped (SkipFrequencyCap).
type FrequencyCap struct {
	Channel   string `json:"channel"`
	Marketing bool   `json:"marketing"`
	Max       int    `json:"max"`
	Hours     int    `json:"hours"`
}

// Window is the cap's span.
func (c FrequencyCap) Window() time.Duration { return time.Duration(c.Hours) * time.Hour }

// MaxCapHours bounds a cap's window (a year): counting further back would
// read records no carrier rule asks about.
const MaxCapHours = 24 * 366

// MaxFrequencyCaps bounds how many caps the settings hold.
const MaxFrequencyCaps = 12

// Validate checks one cap; field names it in errors.
func (c FrequencyCap) Validate(field string, errs *ValidationErrors) {
	if c.Channel != ChannelSMS && c.Channel != ChannelEmail {
		errs.Add(field+".channel", "invalid", fmt.Sprintf("channel must be %s or %s", ChannelSMS, ChannelEmail))
	}
	if c.Max < 1 || c.Max > 1000 {
		errs.Add(field+".max", "out_of_range", "the most messages must be between 1 and 1000")
	}
	if c.Hours < 1 || c.Hours > MaxCapHours {
		errs.Add(field+".hours", "out_of_range", fmt.Sprintf("the window must be between 1 and %d hours", MaxCapHours))
	}
}

// CapsFor returns the caps of one channel and kind.
func CapsFor(caps []FrequencyCap, channel string, marketing bool) []FrequencyCap {
	var out []FrequencyCap
	for _, c := range caps {
		if c.Channel == channel && c.Marketing == marketing {
			out = append(out, c)
		}
	}
	return out
}

// DefaultFrequencyCaps: at most one marketing SMS a day and four in 30
// days per contact, the common carrier and industry rule in China.
func DefaultFrequencyCaps() []FrequencyCap {
	return []FrequencyCap{
		{Channel: ChannelSMS, Marketing: true, Max: 1, Hours: 24},
		{Channel: ChannelSMS, Marketing: true, Max: 4, Hours: 30 * 24},
	}
}
