package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/app"
	"touchbase/internal/config"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
)

// runPlans creates --n contact plans whose reminders fall evenly over the
// next --window, runs the reminder pipeline as serve wires it (River, the
// plan worker, the notification centre) and reports how late each
// reminder's notification was written, and whether any plan was reminded
// twice or not at all.
func runPlans(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plans", stderr)
	db := fs.String("db", "sqlite:./data/bench-plans.db", "database: sqlite:PATH or postgres://…")
	n := fs.Int("n", 10_000, "plans, one per customer")
	window := fs.Duration("window", time.Hour, "the reminders fall evenly over this span")
	lead := fs.Duration("lead", 90*time.Second, "time before the first reminder (plans are created meanwhile)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, owner, err := openWithContacts(ctx, *db, *n*5/2, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := clearBenchPlans(ctx, store); err != nil {
		return err
	}
	customers, err := benchCustomers(ctx, store, *n)
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	if cfg.DataDir, err = os.MkdirTemp("", "touchbase-bench-plans"); err != nil {
		return err
	}
	defer os.RemoveAll(cfg.DataDir)
	a, err := app.New(cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), store)
	if err != nil {
		return err
	}
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		a.Queue.Stop(sctx)
	}()

	pol := permission.Policy{Admin: true, UserID: owner.ID}
	first := time.Now().Add(*lead).Truncate(time.Second)
	step := *window / time.Duration(*n)
	before := 15 // minutes: each reminder falls 15 minutes before its plan is due
	start := time.Now()
	lateCreated := 0
	for i, cid := range customers {
		at := first.Add(time.Duration(i) * step)
		if time.Now().After(at) {
			lateCreated++
		}
		if _, err := a.Plans.Create(ctx, pol, owner, plan.Input{CustomerIDs: []int64{cid}, Title: "回访 " + strconv.Itoa(i),
			DueAt: at.Add(time.Duration(before) * time.Minute), RemindMinutes: &before}); err != nil {
			return fmt.Errorf("plan %d: %w", i, err)
		}
	}
	fmt.Fprintf(stdout, "created %d plans in %s (%d after their reminder time); reminders from %s to %s\n", len(customers),
		time.Since(start).Round(time.Millisecond), lateCreated, first.Format(time.TimeOnly), first.Add(*window).Format(time.TimeOnly))

	deadline := first.Add(*window + time.Minute)
	for {
		var got int
		if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE kind = $1`,
			model.NotifyPlanReminder).Scan(&got); err != nil {
			return err
		}
		if got >= len(customers) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	time.Sleep(3 * time.Second) // a second reminder of any plan would land by now
	return reportReminders(ctx, store, len(customers), stdout)
}

// reportReminders compares each reminder notification with its plan's
// reminder time.
func reportReminders(ctx context.Context, store *storage.Store, n int, stdout io.Writer) error {
	remindAt := map[int64]time.Time{}
	rows, err := store.ReadDB().QueryContext(ctx, `SELECT id, due_at, remind_minutes FROM plans`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var due time.Time
		var mins int
		if err := rows.Scan(&id, &due, &mins); err != nil {
			rows.Close()
			return err
		}
		remindAt[id] = due.Add(-time.Duration(mins) * time.Minute)
	}
	rows.Close()
	rows, err = store.ReadDB().QueryContext(ctx, `SELECT dedupe_key, created_at FROM notifications WHERE kind = $1`, model.NotifyPlanReminder)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[int64]int{}
	var late []time.Duration
	over5, early := 0, 0
	for rows.Next() {
		var key string
		var at time.Time
		if err := rows.Scan(&key, &at); err != nil {
			return err
		}
		parts := strings.Split(key, ":") // plan:ID:DUE
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		seen[id]++
		d := at.Sub(remindAt[id])
		if d < 0 {
			early++
		}
		if d > 5*time.Second {
			over5++
		}
		late = append(late, d)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var jobs, attempts int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(attempt), 0) FROM river_job WHERE kind = 'plan_remind'`).
		Scan(&jobs, &attempts); err != nil {
		return err
	}
	twice := 0
	for _, c := range seen {
		if c > 1 {
			twice++
		}
	}
	st := Summarise(late)
	fmt.Fprintf(stdout, "reminders: %d of %d plans, reminded twice %d, missing %d; River jobs %d, attempts %d\n",
		len(seen), n, twice, n-len(seen), jobs, attempts)
	fmt.Fprintf(stdout, "lateness: median %s, p95 %s, p99 %s, max %s; over 5 s: %d; early: %d\n",
		ms(st.Median), ms(st.P95), ms(st.P99), ms(st.Max), over5, early)
	if len(seen) != n || twice > 0 || over5 > 0 || early > 0 {
		return fmt.Errorf("reminder check failed")
	}
	return nil
}

// clearBenchPlans removes the plans, reminders and reminder jobs of an
// earlier run.
func clearBenchPlans(ctx context.Context, store *storage.Store) error {
	for _, q := range []string{`DELETE FROM plans`, `DELETE FROM notifications WHERE kind = 'plan_reminder'`,
		`DELETE FROM river_job WHERE kind = 'plan_remind'`} {
		if _, err := store.DB().ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// benchCustomers returns the ids of n bench customers.
func benchCustomers(ctx context.Context, store *storage.Store, n int) ([]int64, error) {
	rows, err := store.ReadDB().QueryContext(ctx, `SELECT id FROM customers WHERE code LIKE 'BENCH-%' ORDER BY id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) < n {
		return nil, fmt.Errorf("only %d bench customers", len(ids))
	}
	return ids, nil
}
