// Package quiet decides whether a message may go out now under the quiet
// hours (免打扰时段) of the settings, in its recipient's local time, and
// when it may if not.
package quiet

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"

	"touchbase/internal/model"
)

// Rules are the quiet hours in force and the company's time zone.
type Rules struct {
	hours model.QuietHours
	home  *time.Location
}

// New returns the rules of the settings. An unknown company zone (only
// validated settings are stored) falls back to the default one.
func New(st model.Settings) Rules {
	home := location(st.TimeZone)
	if home == nil {
		home = location(model.DefaultTimeZone)
	}
	if home == nil {
		home = time.FixedZone("CST", 8*3600)
	}
	return Rules{hours: st.QuietHours, home: home}
}

// Window is the send window of a channel and kind.
func (r Rules) Window(channel string, marketing bool) model.QuietWindow {
	return r.hours.Window(channel, marketing)
}

// Home is the company's time zone.
func (r Rules) Home() *time.Location { return r.home }

// Zone is the time zone a recipient at address is taken to live in: for
// a mobile number, the zone of its number when the number tells a single
// one (or tells several, the company's among them); else the company's.
func (r Rules) Zone(channel, address string) *time.Location {
	if channel != model.ChannelSMS || !strings.HasPrefix(address, "+") {
		return r.home
	}
	zones, err := phonenumbers.GetTimezonesForPrefix(address)
	if err != nil || len(zones) == 0 || zones[0] == phonenumbers.UNKNOWN_TIMEZONE {
		return r.home
	}
	for _, z := range zones {
		if z == r.home.String() {
			return r.home
		}
	}
	if loc := location(zones[0]); loc != nil {
		return loc
	}
	return r.home
}

// HeldUntil returns when a message of the channel and kind to address may
// go out if now is in its quiet hours; the zero time when it may go now.
func (r Rules) HeldUntil(channel string, marketing bool, address string, now time.Time) time.Time {
	w := r.Window(channel, marketing)
	if w.AnyTime() {
		return time.Time{}
	}
	open, at := w.Opens(now.In(r.Zone(channel, address)))
	if open {
		return time.Time{}
	}
	return at
}

// HomePrefixes are the number prefixes ("+86") whose every number lives in
// the company's time zone: recipients of those numbers share one window.
// Empty when no calling code maps to the company zone alone.
func (r Rules) HomePrefixes() []string {
	name := r.home.String()
	if v, ok := homePrefixes.Load(name); ok {
		return v.([]string)
	}
	var out []string
	for cc := 1; cc < 1000; cc++ {
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) == 0 {
			continue
		}
		zones, err := phonenumbers.GetTimezonesForPrefix("+" + strconv.Itoa(cc))
		if err == nil && len(zones) == 1 && zones[0] == name && sameZoneThroughout(cc, name) {
			out = append(out, "+"+strconv.Itoa(cc))
		}
	}
	homePrefixes.Store(name, out)
	return out
}

// sameZoneThroughout checks, on every two-digit prefix after a calling
// code, that no longer prefix of the data names another zone.
func sameZoneThroughout(cc int, zone string) bool {
	for n := 0; n < 100; n++ {
		zones, err := phonenumbers.GetTimezonesForPrefix("+" + strconv.Itoa(cc) + strconv.Itoa(n/10) + strconv.Itoa(n%10))
		if err != nil || len(zones) != 1 || zones[0] != zone {
			return false
		}
	}
	return true
}

var (
	homePrefixes sync.Map // zone name → []string
	locations    sync.Map // zone name → *time.Location
)

// location loads a time zone once; nil when it is unknown.
func location(name string) *time.Location {
	if name == "" {
		return nil
	}
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	locations.Store(name, loc)
	return loc
}
