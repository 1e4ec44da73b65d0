package wecom

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// SyncEvery is how often the mapped members' customers are walked,
// besides the admin's "sync now" and the callbacks in between.
const SyncEvery = 6 * time.Hour

// syncTimeout bounds one sync.
const syncTimeout = 30 * time.Minute

// eventsKept is how long received callback events are remembered (WeCom
// retries within minutes).
const eventsKept = 7 * 24 * time.Hour

// SyncArgs walks the mapped members' customers.
type SyncArgs struct{}

// Kind names the job.
func (SyncArgs) Kind() string { return "wecom_sync" }

// InsertOpts keeps one sync queued at a time.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	svc *Service
	log *slog.Logger
}

// Work syncs; without a connection there is nothing to do.
func (w *syncWorker) Work(ctx context.Context, _ *river.Job[SyncArgs]) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	if _, err := w.svc.store.PruneWeComEvents(ctx, w.svc.now().Add(-eventsKept)); err != nil {
		w.log.Warn("prune wecom events", "err", err)
	}
	res, err := w.svc.Sync(ctx)
	if errors.Is(err, ErrNotConfigured) {
		return nil
	}
	if err != nil {
		return err
	}
	w.log.Info("wecom synced", "members", res.Members, "follows", res.Follows, "externals", res.Externals,
		"matched", res.Matched, "unmatched", res.Unmatched)
	return nil
}

// Timeout lets a sync run as long as syncTimeout.
func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return syncTimeout }

// SyncSoon queues a sync now (the admin's "sync now").
func (s *Service) SyncSoon(ctx context.Context) error {
	_, err := s.queue.Insert(ctx, SyncArgs{}, nil)
	return err
}

// Register adds the workers to w and returns the periodic jobs: the sync
// and the sweep of application messages.
func (s *Service) Register(w *river.Workers) []*river.PeriodicJob {
	river.AddWorker(w, &eventWorker{svc: s})
	river.AddWorker(w, &syncWorker{svc: s, log: s.log})
	river.AddWorker(w, &appMessageWorker{svc: s})
	river.AddWorker(w, &appSweepWorker{svc: s})
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(SyncEvery), func() (river.JobArgs, *river.InsertOpts) { return SyncArgs{}, nil }, nil),
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) { return appSweepArgs{}, nil }, nil),
	}
}
