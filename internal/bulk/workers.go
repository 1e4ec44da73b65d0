package bulk

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// StartArgs starts a bulk send at its scheduled time.
type StartArgs struct {
	BulkSendID int64 `json:"bulk_send_id"`
}

// Kind names the job.
func (StartArgs) Kind() string { return "bulk_start" }

// DispatchArgs delivers one channel of a bulk send; several slots work a
// channel side by side.
type DispatchArgs struct {
	BulkSendID int64  `json:"bulk_send_id"`
	Channel    string `json:"channel"`
	Slot       int    `json:"slot"`
	// Round tells a retry's jobs apart from those of the earlier run, which
	// may still be finishing (jobs are unique by their arguments).
	Round int64 `json:"round,omitempty"`
}

// Kind names the job.
func (DispatchArgs) Kind() string { return "bulk_dispatch" }

// SweepArgs makes sure every due or running bulk send has its jobs (after
// a crash between accepting a send and queueing it, say), and expires
// sends left waiting for approval.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "bulk_sweep" }

// admin is the policy workers read with: they act for the system.
var admin = permission.Policy{Admin: true}

// Register adds the bulk workers to w and returns the periodic sweep.
func (s *Service) Register(w *river.Workers) *river.PeriodicJob {
	river.AddWorker(w, &startWorker{svc: s})
	river.AddWorker(w, &dispatchWorker{svc: s})
	river.AddWorker(w, &sweepWorker{svc: s})
	river.AddWorker(w, &pollWorker{svc: s})
	return river.NewPeriodicJob(river.PeriodicInterval(30*time.Second),
		func() (river.JobArgs, *river.InsertOpts) {
			return SweepArgs{}, &river.InsertOpts{UniqueOpts: *uniqueArgs}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}

type startWorker struct {
	river.WorkerDefaults[StartArgs]
	svc *Service
}

func (w *startWorker) Work(ctx context.Context, job *river.Job[StartArgs]) error {
	s := w.svc
	if _, err := s.store.StartBulkSend(ctx, job.Args.BulkSendID); err != nil {
		return err
	}
	b, err := s.store.BulkSendToWork(ctx, job.Args.BulkSendID)
	if err != nil {
		return err
	}
	if b.Status != model.BulkRunning {
		return nil // cancelled, or already finished
	}
	return s.enqueueDispatch(ctx, b, 0)
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	svc *Service
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	s := w.svc
	if err := s.ExpireApprovals(ctx); err != nil {
		return err
	}
	ids, err := s.store.DueBulkSends(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		b, err := s.store.BulkSendToWork(ctx, id)
		if err != nil {
			return err
		}
		if b.Status == model.BulkScheduled {
			err = s.enqueueStart(ctx, id, b.ScheduledAt)
		} else {
			err = s.enqueueDispatch(ctx, b, 0)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
