package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/pgtest"
)

// eachPair runs fn on every dialect with two stores opened separately on
// one database, as two processes would.
func eachPair(t *testing.T, fn func(t *testing.T, a, b *storage.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "touchbase.db")
		fn(t, openStore(t, dsn), openStore(t, dsn))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.FreshDatabase(t)
		fn(t, openStore(t, dsn), openStore(t, dsn))
	})
}

func openStore(t *testing.T, dsn string) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// each is storetest.Each, named here for symmetry with eachPair.
var each = storetest.Each

// logBuffer collects log lines for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testConfig polls and retries fast.
func testConfig() notify.Config {
	return notify.Config{PollInterval: 30 * time.Millisecond, ForwardBackoff: 10 * time.Millisecond,
		BaseURL: "https://crm.example.com/"}
}

func newService(s *storage.Store, bots *notify.BotClient, log *slog.Logger) *notify.Service {
	if log == nil {
		log = quietLog()
	}
	return notify.NewService(s, bots, nil, log, testConfig())
}

// run starts svc.Run until the test ends and waits until it is live.
func run(t *testing.T, svc *notify.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := svc.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-svc.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("service not ready")
	}
}

func newUser(t *testing.T, s *storage.Store, name, lang string) *model.User {
	t.Helper()
	u := &model.User{Username: name, DisplayName: name, Role: model.RoleAgent, Active: true, Language: lang}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// next waits for an event.
func next(t *testing.T, ch <-chan notify.Event) notify.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	panic("unreachable")
}

// quiet checks no event arrives for a while.
func quiet(t *testing.T, ch <-chan notify.Event, d time.Duration) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("unexpected event %+v", ev)
		}
	case <-time.After(d):
	}
}

func msg(title string) notify.Message {
	return notify.Message{Kind: model.NotifySystem, Title: title, Body: "body of " + title, Link: "/records"}
}
