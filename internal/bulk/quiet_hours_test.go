package bulk_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
)

// fakeClock is the injected clock of the quiet-hours tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var shanghai = mustZone("Asia/Shanghai")

// shanghaiAt is a time of day in Shanghai days after today: the injected
// clock runs ahead of the real one, which stamps the rows a send stores.
func shanghaiAt(days, hour, minute int) time.Time {
	d := time.Now().In(shanghai)
	return time.Date(d.Year(), d.Month(), d.Day()+days, hour, minute, 0, 0, shanghai)
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// quietEnv is a bulk environment on the fake clock whose process (service
// and River client) can be stopped and started again.
type quietEnv struct {
	*env
	clock *fakeClock
	cfg   bulk.Config
	stop  func()
}

func newQuietEnv(t *testing.T, s *storage.Store, at time.Time) *quietEnv {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	e := &quietEnv{env: &env{store: s, finished: make(chan *model.BulkSend, 10)}, clock: &fakeClock{t: at},
		cfg: bulk.Config{ChunkSize: 20, HoldCheck: 100 * time.Millisecond}}
	e.reg = registry.New(s, box, channel.Env{HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	e.operator = &model.User{Username: "op", DisplayName: "王芳", Email: "op@example.cn", Role: model.RoleAgent, Active: true}
	if err := s.CreateUser(ctx, e.operator); err != nil {
		t.Fatal(err)
	}
	e.pol = permission.For(e.operator, model.Settings{Visibility: model.VisibilityOwn})
	e.start(t)
	t.Cleanup(func() { e.stop() })
	return e
}

// start runs a new process: a bulk service and its River workers.
func (e *quietEnv) start(t *testing.T) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = bulk.NewService(e.store, e.reg, nil, e.cfg, log, e.clock.Now, func(_ context.Context, b *model.BulkSend) { e.finished <- b })
	workers := river.NewWorkers()
	sweep := e.svc.Register(workers)
	q, err := jobs.New(e.store, jobs.Options{Workers: workers, MaxWorkers: 4, PeriodicJobs: []*river.PeriodicJob{sweep},
		FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetQueue(q)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	e.stop = func() {
		if stopped {
			return
		}
		stopped = true
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	}
}

// provider points SMS at a fake webhook provider that notes the injected
// time each number was sent at.
func (e *quietEnv) provider(t *testing.T) (*fakewebhook.Server, func() map[string][]time.Time) {
	t.Helper()
	fake := fakewebhook.New(t, "k")
	var mu sync.Mutex
	sentAt := map[string][]time.Time{}
	fake.Answer(func(_ int, msgs []fakewebhook.Message) int {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			sentAt[m.To] = append(sentAt[m.To], e.clock.Now())
		}
		return http.StatusOK
	})
	if err := e.reg.Save(context.Background(), e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), 0); err != nil {
		t.Fatal(err)
	}
	return fake, func() map[string][]time.Time {
		mu.Lock()
		defer mu.Unlock()
		out := make(map[string][]time.Time, len(sentAt))
		for k, v := range sentAt {
			out[k] = append([]time.Time(nil), v...)
		}
		return out
	}
}

// until polls cond for up to 20 s.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMarketingSMSHeldForQuietHours: a marketing SMS send created at 22:00
// in Shanghai holds its Chinese recipients until 08:00 and a Tokyo number
// until 08:00 Tokyo time (07:00 in Shanghai), while a New York number
// (09:00 there) goes out at once. Held rows count no attempt. The process
// restarts while they are held; at 07:30 only Tokyo goes, at 08:00 every
// Chinese recipient goes, each exactly once, none before its window.
func TestMarketingSMSHeldForQuietHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		night := shanghaiAt(2, 22, 0)
		e := newQuietEnv(t, s, night)
		e.contacts(t, 60)
		fake, sentAt := e.provider(t)
		var mine int64
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT id FROM customers WHERE code = 'HX'`).Scan(&mine); err != nil {
			t.Fatal(err)
		}
		for _, ct := range []*model.Contact{{CustomerID: mine, Name: "New York", Mobile: "+12125550123"},
			{CustomerID: mine, Name: "Tokyo", Mobile: "+81312345678"}} {
			if err := s.CreateContact(ctx, ct); err != nil {
				t.Fatal(err)
			}
		}
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "年货节", Marketing: true,
			SMSText: "{{contact.name}}您好，年货节全场八折。拒收请回复R", Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		const chinese = 60
		held := func() int {
			return e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND status = 'pending' AND held_until IS NOT NULL`, b.ID)
		}
		until(t, "New York sent and the rest held", func() bool { return len(fake.Messages()) == 1 && held() == chinese+1 })
		if got := sentAt()["+12125550123"]; len(got) != 1 {
			t.Fatalf("New York sent %d times", len(got))
		}
		open := shanghaiAt(3, 8, 0)
		tokyoOpen := shanghaiAt(3, 7, 0)
		rows, err := s.ReadDB().QueryContext(ctx, `SELECT address, held_until, next_attempt_at, attempts FROM bulk_recipients
			WHERE bulk_send_id = $1 AND status = 'pending'`, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var addr string
			var heldUntil, next time.Time
			var attempts int
			if err := rows.Scan(&addr, &heldUntil, &next, &attempts); err != nil {
				t.Fatal(err)
			}
			want := open
			if addr == "+81312345678" {
				want = tokyoOpen
			}
			if !heldUntil.Equal(want) || !next.Equal(want) || attempts != 0 {
				t.Fatalf("%s held until %v, next attempt %v, %d attempts; want %v and no attempt", addr, heldUntil, next, attempts, want)
			}
			n++
		}
		rows.Close()
		if n != chinese+1 {
			t.Fatalf("%d pending rows, want %d", n, chinese+1)
		}
		got, err := e.svc.Get(ctx, e.pol, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Counts.Held != chinese+1 || got.Counts.HeldUntil == nil || !got.Counts.HeldUntil.Equal(tokyoOpen) {
			t.Fatalf("counts of the held send: %+v", got.Counts)
		}

		// A restart while held loses nothing.
		e.stop()
		e.start(t)
		time.Sleep(300 * time.Millisecond)
		if len(fake.Messages()) != 1 {
			t.Fatalf("sent %d before any window opened", len(fake.Messages()))
		}

		e.clock.Set(shanghaiAt(3, 7, 30))
		until(t, "Tokyo sent at 08:30 Tokyo time", func() bool { return len(fake.Messages()) == 2 })
		time.Sleep(300 * time.Millisecond)
		if len(fake.Messages()) != 2 || held() != chinese {
			t.Fatalf("at 07:30 in Shanghai: %d sent, %d held; want only Tokyo sent", len(fake.Messages()), held())
		}

		e.clock.Set(open)
		done := e.wait(t, b.ID)
		if done.Counts.Sent != chinese+2 || done.Counts.Held != 0 || done.Counts.Pending != 0 || done.Counts.Failed != 0 {
			t.Fatalf("finished: %+v", done.Counts)
		}
		if len(fake.Messages()) != chinese+2 {
			t.Fatalf("provider took %d messages, want %d", len(fake.Messages()), chinese+2)
		}
		for _, m := range fake.Messages() {
			if m.Copies != 1 {
				t.Fatalf("ref %s posted %d times", m.Ref, m.Copies)
			}
		}
		for to, times := range sentAt() {
			if len(times) != 1 {
				t.Fatalf("%s sent %d times", to, len(times))
			}
			switch to {
			case "+12125550123":
			case "+81312345678":
				if times[0].Before(tokyoOpen) {
					t.Fatalf("Tokyo sent at %v, before its window", times[0])
				}
			default:
				if times[0].Before(open) {
					t.Fatalf("%s sent at %v, before 08:00", to, times[0])
				}
			}
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND status = 'sent' AND attempts = 1`, b.ID); n != chinese+2 {
			t.Fatalf("%d sent rows with one attempt, want %d", n, chinese+2)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID); n != chinese+2 {
			t.Fatalf("%d records, want %d", n, chinese+2)
		}
	})
}

// TestServiceSMSAtNightGoesOutAtOnce: quiet hours hold marketing SMS only
// by default; a service send at 22:00 goes out at once, nobody held.
func TestServiceSMSAtNightGoesOutAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newQuietEnv(t, s, shanghaiAt(2, 22, 0))
		e.contacts(t, 30)
		fake, _ := e.provider(t)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "停机维护通知", SMSText: "系统今晚 23:00 维护",
			Recipients: storage.RecipientSelection{HasMobile: true}})
		if err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 30 || done.Counts.Held != 0 || len(fake.Messages()) != 30 {
			t.Fatalf("service send at night: %+v, provider took %d", done.Counts, len(fake.Messages()))
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND held_until IS NOT NULL`, b.ID); n != 0 {
			t.Fatalf("%d rows marked held", n)
		}
	})
}

// TestQuietHoursChangeReleasesHeld: marketing e-mail limited to
// 09:00–18:00 holds a send at 22:00, every recipient in one statement
// (e-mail tells no zone: the company's is theirs); when an admin makes
// marketing e-mail any time, the held recipients go out without waiting
// for 09:00.
func TestQuietHoursChangeReleasesHeld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		st := model.DefaultSettings()
		st.QuietHours.EmailMarketing = model.QuietWindow{Start: "09:00", End: "18:00"}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		e := newQuietEnv(t, s, shanghaiAt(2, 22, 0))
		e.contacts(t, 40)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "新品上市", Marketing: true,
			EmailSubject: "新品上市", EmailBody: "{{contact.name}}您好", Recipients: storage.RecipientSelection{HasEmail: true}})
		if err != nil {
			t.Fatal(err)
		}
		held := func() int {
			return e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND status = 'pending' AND held_until IS NOT NULL
				AND attempts = 0 AND claimed_by = ''`, b.ID)
		}
		until(t, "every e-mail recipient held", func() bool { return held() == 40 })
		if n := e.count(t, `SELECT count(*) FROM outbox_messages`); n != 0 {
			t.Fatalf("%d e-mails sent in quiet hours", n)
		}
		st.QuietHours.EmailMarketing = model.QuietWindow{}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 40 || e.count(t, `SELECT count(*) FROM outbox_messages`) != 40 {
			t.Fatalf("after the change: %+v", done.Counts)
		}
	})
}
