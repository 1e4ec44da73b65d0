package notify

import (
	"context"
	"time"
)

// pollPage is how many notifications one poll query fetches.
const pollPage = 500

// poll is Run's loop on SQLite: every PollInterval it looks for
// notifications above the highest id it knows and hands those of local
// subscribers over. SQLite has one writer, so ids appear in order and none
// is skipped; those this process published itself are recognised and not
// delivered twice.
func (s *Service) poll(ctx context.Context) {
	var cursor int64
	for {
		id, err := s.store.MaxNotificationID(ctx)
		if err == nil {
			cursor = id
			break
		}
		s.log.Warn("notifications: poll", "err", err)
		if !sleep(ctx, s.cfg.PollInterval) {
			return
		}
	}
	s.markReady()
	tick := time.NewTicker(s.cfg.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := s.pollOnce(ctx, &cursor); err != nil && ctx.Err() == nil {
				s.log.Warn("notifications: poll", "err", err)
			}
		}
	}
}

func (s *Service) pollOnce(ctx context.Context, cursor *int64) error {
	top, err := s.store.MaxNotificationID(ctx)
	if err != nil || top <= *cursor {
		return err
	}
	if users := s.hub.users(); len(users) > 0 {
		if err := s.catchUp(ctx, cursor, users); err != nil {
			return err
		}
	}
	*cursor = max(*cursor, top)
	return nil
}

// catchUp delivers the notifications of users above *cursor, moving it.
func (s *Service) catchUp(ctx context.Context, cursor *int64, users []int64) error {
	for {
		ns, err := s.store.NotificationsAfter(ctx, *cursor, users, pollPage)
		if err != nil {
			return err
		}
		for _, n := range ns {
			s.deliverCreated(ctx, n)
			*cursor = n.ID
		}
		if len(ns) < pollPage {
			return nil
		}
	}
}
