package notify

import (
	"context"
	"sync"
	"time"

	"touchbase/internal/storage"
)

// Run delivers notifications written by any process to this process's
// subscribers (LISTEN on PostgreSQL, polling on SQLite) and forwards
// notifications to group bots, until ctx ends. It then closes every
// subscription, so live streams end and shutdown is not held up, and
// returns nil. A second concurrent Run returns ErrRunning.
func (s *Service) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer s.running.Store(false)
	var wg sync.WaitGroup
	for range s.cfg.ForwardWorkers {
		wg.Go(func() { s.forwardLoop(ctx) })
	}
	if s.store.Dialect() == storage.Postgres {
		s.listen(ctx)
	} else {
		s.poll(ctx)
	}
	wg.Wait()
	if n := len(s.forward); n > 0 {
		s.log.Warn("notifications: stopped with bot posts waiting; not forwarded", "count", n)
	}
	s.hub.close()
	return nil
}

// Ready is closed once Run delivers live: its PostgreSQL listener is
// connected, or its SQLite poller started.
func (s *Service) Ready() <-chan struct{} { return s.ready }

func (s *Service) markReady() {
	select {
	case <-s.ready:
	default:
		close(s.ready)
	}
}

// sleep waits d or until ctx ends, reporting whether the wait was complete.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
