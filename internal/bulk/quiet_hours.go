package bulk

import (
	"context"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/quiet"
)

// Quiet hours: a recipient whose local time is outside its send's window
// (per channel, marketing or service) is not sent now. Its row stays
// pending, due when the window opens and marked held until then; it
// counts no attempt and takes nothing from the rate limit, and as it is
// only database state a restart loses nothing.

// holdQuiet settles, before any claim, the recipients of one channel of a
// send who live in the company's time zone, in one statement each: when
// their window is closed they are all held until it opens (a 100,000-
// recipient send at night costs one UPDATE, not a claim per chunk); when
// it is open, or the channel may send at any time, rows held earlier
// under other settings are released. Recipients of other zones are
// checked one by one as they are claimed.
func (s *Service) holdQuiet(ctx context.Context, b *model.BulkSend, channel string, rules quiet.Rules) error {
	w := rules.Window(channel, b.Marketing)
	now := s.now()
	if w.AnyTime() {
		_, err := s.store.ReleaseHeld(ctx, b.ID, channel, nil, now)
		return err
	}
	// E-mail addresses tell no zone: every recipient is the company's.
	var prefixes []string
	if channel == model.ChannelSMS {
		if prefixes = rules.HomePrefixes(); len(prefixes) == 0 {
			return nil
		}
	}
	open, at := w.Opens(now.In(rules.Home()))
	if open {
		_, err := s.store.ReleaseHeld(ctx, b.ID, channel, prefixes, now)
		return err
	}
	n, err := s.store.HoldRecipients(ctx, b.ID, channel, prefixes, at)
	if n > 0 {
		s.log.Info("bulk send held for quiet hours", "bulk_send", b.ID, "channel", channel, "held", n, "until", at)
	}
	return err
}

// heldUntil returns when a claimed row may go out if its recipient is in
// quiet hours now, else the zero time.
func (s *Service) heldUntil(rules quiet.Rules, b *model.BulkSend, row *model.BulkRecipient) time.Time {
	return rules.HeldUntil(row.Channel, b.Marketing, row.Address, s.now())
}
