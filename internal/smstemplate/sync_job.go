package smstemplate

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// SyncEvery is how often templates and signatures are synced from the
// provider, besides the admin's "sync now".
const SyncEvery = time.Hour

// SyncArgs syncs the SMS channel's templates and signatures.
type SyncArgs struct{}

// Kind names the job.
func (SyncArgs) Kind() string { return "sms_template_sync" }

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	svc *Service
	log *slog.Logger
}

// Work syncs; a channel without templates has nothing to do, and a
// provider error is logged and waits for the next period (an hourly job
// need not retry).
func (w *syncWorker) Work(ctx context.Context, _ *river.Job[SyncArgs]) error {
	res, err := w.svc.Sync(ctx)
	switch {
	case errors.Is(err, ErrNotTemplated):
		return nil
	case err != nil:
		w.log.Warn("sms template sync", "err", err)
		return nil
	}
	w.log.Info("sms templates synced", "provider", res.Provider, "added", res.Templates.Added,
		"updated", res.Templates.Updated, "withdrawn", res.Templates.Withdrawn)
	return nil
}

// Register adds the sync worker to w and returns its periodic job.
func (s *Service) Register(w *river.Workers, log *slog.Logger) *river.PeriodicJob {
	river.AddWorker(w, &syncWorker{svc: s, log: log})
	return river.NewPeriodicJob(river.PeriodicInterval(SyncEvery),
		func() (river.JobArgs, *river.InsertOpts) { return SyncArgs{}, nil }, nil)
}
