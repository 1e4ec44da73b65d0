package record

import (
	"context"
	"fmt"
	"strings"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/quiet"
)

// A single contact follows the quiet hours of its channel and kind
// (service, or marketing for a marketing SMS) in the recipient's local
// time, as bulk sends do; but a rep talks to one customer and may know
// better: a send inside quiet hours is refused unless the rep gives a
// reason, which the record keeps.

// maxOverride bounds the reason to send inside quiet hours.
const maxOverride = 200

// QuietNote says that a channel's recipient is in quiet hours: their
// local time now and when the window opens.
type QuietNote struct {
	Channel string    `json:"channel"`
	Local   time.Time `json:"local_time"`
	Until   time.Time `json:"until"`
}

// quietNotes are the channels of a single contact in quiet hours.
type quietNotes []QuietNote

func (q quietNotes) has(kind channel.Kind) bool {
	for _, n := range q {
		if n.Channel == string(kind) {
			return true
		}
	}
	return false
}

// quietHours returns the messages of outs whose recipient is in quiet
// hours now.
func (s *Service) quietHours(ctx context.Context, in SingleInput, outs []outgoing) (quietNotes, error) {
	if len(outs) == 0 {
		return nil, nil
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	rules := quiet.New(st)
	marketing := in.SMS != nil && in.SMS.Marketing
	now := s.now()
	var out quietNotes
	for _, o := range outs {
		kind := string(o.kind)
		if until := rules.HeldUntil(kind, marketing, o.address, now); !until.IsZero() {
			zone := rules.Zone(kind, o.address)
			out = append(out, QuietNote{Channel: kind, Local: now.In(zone), Until: until.In(zone)})
		}
	}
	return out, nil
}

// quietMessage says which recipients are in quiet hours.
func quietMessage(q quietNotes) string {
	parts := make([]string, len(q))
	for i, n := range q {
		parts[i] = fmt.Sprintf("%s: it is %s for the recipient, in quiet hours until %s", n.Channel, n.Local.Format("15:04"),
			n.Until.Format("15:04"))
	}
	return strings.Join(parts, "; ") + "; give a reason to send anyway"
}
