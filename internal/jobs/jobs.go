// Package jobs runs Touchbase's background work on River: on PostgreSQL
// through riverpgxv5, on SQLite through riversqlite. Every serve process
// runs a client; more processes mean more workers, with River handing each
// job to exactly one of them. The package hides River's per-driver type
// parameter behind Queue, so services need not know the dialect.
package jobs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"touchbase/internal/storage"
)

// Queue inserts jobs and runs workers. A job given a time that has come
// already is inserted workable at once.
type Queue interface {
	// Insert enqueues one job.
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	// InsertMany enqueues jobs in one transaction; workers hear of them
	// in one notification.
	InsertMany(ctx context.Context, params []river.InsertManyParams) error
	// InsertTx enqueues one job in the store's write transaction tx: the
	// job exists exactly when the transaction commits.
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
	// Start begins working jobs (no-op for an insert-only queue).
	Start(ctx context.Context) error
	// Stop waits for running jobs to finish, then stops.
	Stop(ctx context.Context) error
}

// Options configure a Queue.
type Options struct {
	Workers *river.Workers // nil: insert-only (CLI tools)
	// MaxWorkers is the number of jobs of the default queue one process
	// works at once.
	MaxWorkers int
	// Queues are further queues and the jobs of each one process works at
	// once (short jobs that must not wait behind long ones, such as plan
	// reminders behind bulk dispatch).
	Queues map[string]int
	// PeriodicJobs run on a schedule on the elected leader process.
	PeriodicJobs []*river.PeriodicJob
	// FetchPoll is how often workers poll for new jobs (SQLite has no
	// notifications); zero keeps River's default.
	FetchPoll time.Duration
	// RescueAfter is how long a job may stay running before River takes
	// its process for dead and runs it again (default 2 minutes).
	RescueAfter time.Duration
	Log         *slog.Logger
}

// Migrate creates or updates River's tables in the store's database,
// under the store's migration lock: River's migrator takes none of its own.
func Migrate(ctx context.Context, store *storage.Store) error {
	return store.WithMigrationLock(ctx, func(ctx context.Context) error {
		if store.Dialect() == storage.Postgres {
			return migrate(ctx, riverpgxv5.New(store.Pool()))
		}
		return migrate(ctx, riversqlite.New(store.DB()))
	})
}

// SchemaDigest returns a digest of the job queue's migrations on dialect,
// as storage.SchemaDigest does for Touchbase's own.
func SchemaDigest(dialect storage.Dialect) string {
	var (
		m   []rivermigrate.Migration
		err error
	)
	if dialect == storage.Postgres {
		m, err = allVersions(riverpgxv5.New(nil))
	} else {
		m, err = allVersions(riversqlite.New(nil))
	}
	if err != nil {
		panic(err) // River's migrations are compiled in
	}
	h := sha256.New()
	for _, v := range m {
		fmt.Fprintf(h, "%d %s %d\n%s", v.Version, v.Name, len(v.SQLUp), v.SQLUp)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func allVersions[TTx any](driver riverdriver.Driver[TTx]) ([]rivermigrate.Migration, error) {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return nil, err
	}
	return m.AllVersions(), nil
}

func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New returns the queue of the store's database.
func New(store *storage.Store, o Options) (Queue, error) {
	if store.Dialect() == storage.Postgres {
		q, err := newClient(riverpgxv5.New(store.Pool()), o)
		if err != nil {
			return nil, err
		}
		// The store's transactions are database/sql ones: jobs written in
		// them go through River's database/sql driver, insert-only.
		sqlc, err := river.NewClient(riverdatabasesql.New(store.DB()), &river.Config{Logger: riverLogger(o.Log)})
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		q.insertTx = func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
			_, err := sqlc.InsertTx(ctx, tx, args, opts)
			return err
		}
		return q, nil
	}
	q, err := newClient(riversqlite.New(store.DB()), o)
	if err != nil {
		return nil, err
	}
	q.insertTx = func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
		_, err := q.c.InsertTx(ctx, tx, args, opts)
		return err
	}
	return q, nil
}

type client[TTx any] struct {
	c        *river.Client[TTx]
	working  bool
	insertTx func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

func (q *client[TTx]) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	return q.insertTx(ctx, tx, args, dueNow(opts))
}

// dueNow drops a time that has come already from opts: River holds a job
// given any time, even a past one, as scheduled until its scheduler's next
// pass (seconds away), where a job without one is worked at once. opts is
// copied, never changed.
func dueNow(opts *river.InsertOpts) *river.InsertOpts {
	if opts == nil || opts.ScheduledAt.IsZero() || opts.ScheduledAt.After(time.Now()) {
		return opts
	}
	o := *opts
	o.ScheduledAt = time.Time{}
	return &o
}

func newClient[TTx any](driver riverdriver.Driver[TTx], o Options) (*client[TTx], error) {
	cfg := &river.Config{
		Logger:       riverLogger(o.Log),
		PeriodicJobs: o.PeriodicJobs,
		// Jobs of a crashed process are rescued (re-run) after this long;
		// workers must stay idempotent, which the delivery state machine is.
		RescueStuckJobsAfter: 2 * time.Minute,
		JobTimeout:           -1, // dispatch jobs bound their own work
	}
	if o.RescueAfter > 0 {
		cfg.RescueStuckJobsAfter = o.RescueAfter
	}
	if o.FetchPoll > 0 {
		cfg.FetchPollInterval = o.FetchPoll
		cfg.FetchCooldown = min(o.FetchPoll, 100*time.Millisecond)
	}
	if o.Workers != nil {
		cfg.Workers = o.Workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(1, o.MaxWorkers)}}
		for name, n := range o.Queues {
			cfg.Queues[name] = river.QueueConfig{MaxWorkers: max(1, n)}
		}
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &client[TTx]{c: c, working: o.Workers != nil}, nil
}

func (q *client[TTx]) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return q.c.Insert(ctx, args, dueNow(opts))
}

func (q *client[TTx]) InsertMany(ctx context.Context, params []river.InsertManyParams) error {
	due := make([]river.InsertManyParams, len(params))
	for i, p := range params {
		due[i] = river.InsertManyParams{Args: p.Args, InsertOpts: dueNow(p.InsertOpts)}
	}
	_, err := q.c.InsertMany(ctx, due)
	return err
}

func (q *client[TTx]) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	return q.c.Start(ctx)
}

func (q *client[TTx]) Stop(ctx context.Context) error {
	if !q.working {
		return nil
	}
	return q.c.Stop(ctx)
}
