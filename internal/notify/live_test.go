package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchbase/internal/notify"
	"touchbase/internal/storage"
)

// A subscriber of one process receives what another process, on its own
// store, writes: through LISTEN/NOTIFY on PostgreSQL, through the poll
// fallback on SQLite.
func TestLiveAcrossProcesses(t *testing.T) {
	eachPair(t, func(t *testing.T, a, b *storage.Store) {
		ctx := context.Background()
		alice, bob := newUser(t, a, "alice", ""), newUser(t, a, "bob", "")
		svcA, svcB := newService(a, nil, nil), newService(b, nil, nil)
		run(t, svcA)
		ch, stop := svcA.Subscribe(ctx, alice.ID)

		if _, err := svcB.Notify(ctx, bob.ID, msg("for bob")); err != nil {
			t.Fatal(err)
		}
		n, err := svcB.Notify(ctx, alice.ID, msg("for alice"))
		if err != nil {
			t.Fatal(err)
		}
		ev := next(t, ch)
		if ev.Type != notify.EventCreated || ev.Notification == nil || ev.Notification.ID != n.ID ||
			ev.Notification.Title != "for alice" || ev.Unread != 1 {
			t.Fatalf("event = %+v (%+v)", ev, ev.Notification)
		}
		quiet(t, ch, 150*time.Millisecond) // bob's never comes, nor alice's twice

		if _, err := svcA.MarkAllRead(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, ch); ev.Type != notify.EventRead || ev.Unread != 0 {
			t.Fatalf("read event = %+v", ev)
		}

		stop()
		if _, ok := <-ch; ok {
			t.Fatal("event after unsubscribe")
		}
		if _, err := svcB.Notify(ctx, alice.ID, msg("after")); err != nil {
			t.Fatal(err)
		}
		stop() // twice is fine
	})
}

// On PostgreSQL a "marked read" in another process reaches subscribers.
func TestLiveReadAcrossProcessesPostgres(t *testing.T) {
	eachPair(t, func(t *testing.T, a, b *storage.Store) {
		if a.Dialect() != storage.Postgres {
			t.Skip("SQLite is served by one process")
		}
		ctx := context.Background()
		alice := newUser(t, a, "alice", "")
		svcA, svcB := newService(a, nil, nil), newService(b, nil, nil)
		run(t, svcA)
		ch, stop := svcA.Subscribe(ctx, alice.ID)
		defer stop()
		n, _ := svcB.Notify(ctx, alice.ID, msg("one"))
		next(t, ch)
		if err := svcB.MarkRead(ctx, alice.ID, n.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, ch); ev.Type != notify.EventRead || ev.Unread != 0 {
			t.Fatalf("read event = %+v", ev)
		}
	})
}

// A listener whose connection is killed reconnects and catches up with
// what was written while it was away.
func TestListenerReconnects(t *testing.T) {
	eachPair(t, func(t *testing.T, a, b *storage.Store) {
		if a.Dialect() != storage.Postgres {
			t.Skip("no listener on SQLite")
		}
		ctx := context.Background()
		alice := newUser(t, a, "alice", "")
		var logs logBuffer
		cfg := testConfig()
		cfg.ReconnectMin = 700 * time.Millisecond
		svcA, svcB := notify.NewService(a, nil, nil, slogTo(&logs), cfg), newService(b, nil, nil)
		run(t, svcA)
		ch, stop := svcA.Subscribe(ctx, alice.ID)
		defer stop()
		const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`
		var pid int
		if err := b.DB().QueryRowContext(ctx, listeners).Scan(&pid); err != nil {
			t.Fatalf("find the listener: %v", err)
		}
		if _, err := b.DB().ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
		waitLog(t, &logs, "listener lost")
		// Written while nobody listens: only the catch-up can bring it.
		n, err := svcB.Notify(ctx, alice.ID, msg("while away"))
		if err != nil {
			t.Fatal(err)
		}
		ev := next(t, ch)
		if ev.Type != notify.EventCreated || ev.Notification.ID != n.ID {
			t.Fatalf("event = %+v", ev)
		}
		var again int
		if err := b.DB().QueryRowContext(ctx, listeners).Scan(&again); err != nil || again == pid {
			t.Fatalf("listener after reconnection: pid %d (was %d), %v", again, pid, err)
		}
		// The reconnected listener hears new ones again.
		n2, _ := svcB.Notify(ctx, alice.ID, msg("after"))
		for {
			ev := next(t, ch)
			if ev.Type == notify.EventCreated {
				if ev.Notification.ID != n2.ID {
					t.Fatalf("event = %+v, want notification %d", ev.Notification, n2.ID)
				}
				break
			}
		}
	})
}

// On SQLite a notification reaches local subscribers as it is written,
// even before Run, and the poller does not deliver it again.
func TestSQLiteLocalPublishOnce(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		if s.Dialect() != storage.SQLite {
			t.Skip("PostgreSQL delivers through the database")
		}
		ctx := context.Background()
		alice := newUser(t, s, "alice", "")
		svc := newService(s, nil, nil)
		ch, stop := svc.Subscribe(ctx, alice.ID)
		defer stop()
		n, err := svc.Notify(ctx, alice.ID, msg("now"))
		if err != nil {
			t.Fatal(err)
		}
		if ev := next(t, ch); ev.Notification.ID != n.ID || ev.Unread != 1 {
			t.Fatalf("event = %+v", ev)
		}
		run(t, svc)
		n2, _ := svc.Notify(ctx, alice.ID, msg("with the poller"))
		if ev := next(t, ch); ev.Notification.ID != n2.ID || ev.Unread != 2 {
			t.Fatalf("event = %+v", ev)
		}
		quiet(t, ch, 200*time.Millisecond)
	})
}

// A subscriber that stops reading is cut off instead of holding others up;
// a context ending unsubscribes.
func TestSlowSubscriberAndContext(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice := newUser(t, s, "alice", "")
		cfg := testConfig()
		cfg.Buffer = 2
		svc := notify.NewService(s, nil, nil, quietLog(), cfg)
		run(t, svc)
		slow, stopSlow := svc.Subscribe(ctx, alice.ID)
		defer stopSlow()
		sctx, cancel := context.WithCancel(ctx)
		withCtx, _ := svc.Subscribe(sctx, alice.ID)
		cancel()
		select {
		case _, ok := <-withCtx:
			if ok {
				t.Fatal("event on a cancelled subscription")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("cancelled context did not unsubscribe")
		}
		fast, stopFast := svc.Subscribe(ctx, alice.ID)
		defer stopFast()
		// The third event overflows the slow buffer of two. The fourth is
		// read from the fast subscriber only after the third was handed to
		// every subscriber, so reading the slow one below cannot make room
		// for the third before it was refused.
		for i := range 4 {
			if _, err := svc.Notify(ctx, alice.ID, msg("n"+string(rune('0'+i)))); err != nil {
				t.Fatal(err)
			}
			next(t, fast) // a reader that keeps up is not cut off
		}
		got := 0
		deadline := time.After(10 * time.Second)
		for {
			select {
			case _, ok := <-slow:
				if !ok {
					if got != 2 {
						t.Fatalf("closed after %d events, want 2", got)
					}
					return
				}
				got++
			case <-deadline:
				t.Fatalf("slow subscriber never closed (%d events)", got)
			}
		}
	})
}

// Run stops when its context ends, closing subscriptions; a second Run at
// the same time is refused.
func TestRunStopsOnCancel(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		alice := newUser(t, s, "alice", "")
		svc := newService(s, notify.NewBotClient(nil, true), nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- svc.Run(ctx) }()
		<-svc.Ready()
		if err := svc.Run(ctx); !errors.Is(err, notify.ErrRunning) {
			t.Fatalf("second Run = %v", err)
		}
		ch, _ := svc.Subscribe(context.Background(), alice.ID)
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not stop")
		}
		if _, ok := <-ch; ok {
			t.Fatal("subscription open after Run stopped")
		}
		if late, _ := svc.Subscribe(context.Background(), alice.ID); late != nil {
			if _, ok := <-late; ok {
				t.Fatal("subscription after Run stopped is open")
			}
		}
	})
}
