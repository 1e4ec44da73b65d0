package notify

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"touchbase/internal/storage"
)

// listen is Run's loop on PostgreSQL: it keeps one connection LISTENing on
// storage.NotificationChannel and reconnects with backoff when it fails.
func (s *Service) listen(ctx context.Context) {
	var st listenState
	backoff := s.cfg.ReconnectMin
	for {
		began := time.Now()
		err := s.listenOnce(ctx, &st)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > time.Minute {
			backoff = s.cfg.ReconnectMin
		}
		s.log.Warn("notifications: listener lost, reconnecting", "err", err, "in", backoff)
		if !sleep(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, max(s.cfg.ReconnectMax, s.cfg.ReconnectMin))
	}
}

// listenState survives reconnections.
type listenState struct {
	connected bool
	// hwm is the highest notification id announced, from where a
	// reconnected listener catches up.
	hwm int64
}

func (s *Service) listenOnce(ctx context.Context, st *listenState) error {
	pool := s.store.Pool()
	if pool == nil {
		return errors.New("no PostgreSQL pool")
	}
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: it is LISTENing, and is closed, not
	// returned, when done.
	conn := pc.Hijack()
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{storage.NotificationChannel}.Sanitize()); err != nil {
		return err
	}
	if !st.connected {
		if st.hwm, err = s.store.MaxNotificationID(ctx); err != nil {
			return err
		}
		st.connected = true
	} else if err := s.resync(ctx, st); err != nil {
		return err
	}
	s.markReady()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.signal(ctx, n.Payload, st)
	}
}

// resync, after a reconnection, delivers what local subscribers missed
// and refreshes their unread counts.
func (s *Service) resync(ctx context.Context, st *listenState) error {
	users := s.hub.users()
	if err := s.catchUp(ctx, &st.hwm, users); err != nil {
		return err
	}
	for _, u := range users {
		s.deliverRead(ctx, u)
	}
	top, err := s.store.MaxNotificationID(ctx)
	st.hwm = max(st.hwm, top)
	return err
}

// signal handles one announcement.
func (s *Service) signal(ctx context.Context, payload string, st *listenState) {
	sig, err := storage.ParseNotificationSignal(payload)
	if err != nil {
		s.log.Warn("notifications: bad signal", "err", err)
		return
	}
	if sig.NotificationID == 0 {
		s.deliverRead(ctx, sig.UserID)
		return
	}
	st.hwm = max(st.hwm, sig.NotificationID)
	if !s.hub.has(sig.UserID) {
		return
	}
	n, err := s.store.NotificationByID(ctx, sig.UserID, sig.NotificationID)
	if err != nil {
		s.log.Warn("notifications: load announced", "id", sig.NotificationID, "err", err)
		return
	}
	s.deliverCreated(ctx, n)
}
