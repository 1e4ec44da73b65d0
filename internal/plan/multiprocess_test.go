package plan_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/pgtest"
)

// countingNotifier counts the reminders a process delivered (not the ones
// refused as duplicates).
type countingNotifier struct {
	*notify.Service
	delivered atomic.Int64
}

func (c *countingNotifier) Notify(ctx context.Context, userID int64, m notify.Message) (*model.Notification, error) {
	n, err := c.Service.Notify(ctx, userID, m)
	if err == nil {
		c.delivered.Add(1)
	}
	return n, err
}

// TestTwoProcessesRemindOnce runs two independent plan services, each with
// its own connections, notification centre and River client, on one
// PostgreSQL database. Both schedule every reminder; each plan's owner is
// reminded exactly once, by one process or the other.
func TestTwoProcessesRemindOnce(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	ctx := context.Background()
	box, _ := channel.NewSecretBox(make([]byte, 32))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var procs []*plan.Service
	var counters []*countingNotifier
	var store *storage.Store
	var stores []*storage.Store
	for range 2 {
		s, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		c := &countingNotifier{Service: notify.NewService(s, notify.NewBotClient(http.DefaultClient, false), box, log, notify.Config{})}
		svc := plan.NewService(s, c, time.Now)
		w := river.NewWorkers()
		svc.Register(w)
		q, err := jobs.New(s, jobs.Options{Workers: w, MaxWorkers: 3, Queues: map[string]int{plan.ReminderQueue: 3}, FetchPoll: 100 * time.Millisecond, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		svc.SetQueue(q)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(sctx)
		})
		procs, counters, stores = append(procs, svc), append(counters, c), append(stores, s)
		if store == nil {
			store = s
		}
	}
	owner := &model.User{Username: "rep", Role: model.RoleAdmin, Active: true, Timezone: "Asia/Shanghai"}
	if err := store.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	const n = 300
	var ids []int64
	for i := range n {
		c := &model.Customer{Name: "客户", Code: "C" + itoa(int64(i)), RepID: &owner.ID}
		if err := store.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	zero := 0
	due := time.Now().Add(2 * time.Second)
	plans, err := procs[0].Create(ctx, permission.Policy{Admin: true, UserID: owner.ID}, owner, plan.Input{CustomerIDs: ids,
		Title: "回访", DueAt: due, RemindMinutes: &zero})
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range plans { // the other process schedules the same reminders too
		if err := stores[1].InTx(ctx, func(tx *sql.Tx) error { return procs[1].ScheduleTx(ctx, tx, pl) }); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all reminders", func() bool { return counters[0].delivered.Load()+counters[1].delivered.Load() >= n })
	waitFor(t, "every reminder job to finish", func() bool { return completedReminders(t, store) == n })
	a, b := counters[0].delivered.Load(), counters[1].delivered.Load()
	if a+b != n {
		t.Fatalf("reminders delivered: %d + %d, want %d in all", a, b, n)
	}
	if a == 0 || b == 0 {
		t.Fatalf("one process did all the work: %d and %d", a, b)
	}
	var rows, jobsRun int
	if err := store.DB().QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE kind = $1`, model.NotifyPlanReminder).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := store.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'plan_remind'`).Scan(&jobsRun); err != nil {
		t.Fatal(err)
	}
	if rows != n || jobsRun != n {
		t.Fatalf("notifications %d, reminder jobs %d, want %d each", rows, jobsRun, n)
	}
}
