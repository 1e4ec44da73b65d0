package record

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"touchbase/internal/jobs"
)

// Records a bulk send writes wait in a queue for the keyword index, so the
// send does not pay for indexing each record (storage migration 12); a
// search reads the queued records too, so it finds them meanwhile. This
// file moves them into the index: every IndexEvery, and when a bulk send
// finishes.

// IndexArgs indexes the records waiting for the keyword index.
type IndexArgs struct{}

// Kind names the job.
func (IndexArgs) Kind() string { return "record_index" }

const (
	// IndexEvery is how often the queue is looked at.
	IndexEvery = 10 * time.Second
	// indexDefer is how long indexing gives way to bulk sends under way:
	// their delivery matters more than how soon their records are indexed,
	// and the search reads queued records anyway, but a long send's queue
	// must not grow without end.
	indexDefer = time.Minute
	// indexBatch is how many records one transaction indexes.
	indexBatch = 2000
	// indexBudget is how long one job indexes before handing over to a
	// fresh one (well within River's job timeout).
	indexBudget = 30 * time.Second
)

// indexUnique keeps one index job at a time (River requires the running
// state among these). Records queued while it runs are taken by the same
// run, which goes on until the queue is empty, or by the next periodic one.
var indexUnique = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
	rivertype.JobStateScheduled,
}}

// Register adds the index worker, the WeCom poller and the stale
// deliveries' job to w and returns the periodic jobs.
func (s *Service) Register(w *river.Workers) []*river.PeriodicJob {
	river.AddWorker(w, &indexWorker{svc: s})
	river.AddWorker(w, &weComPollWorker{svc: s})
	river.AddWorker(w, &staleWorker{svc: s})
	index := river.NewPeriodicJob(river.PeriodicInterval(IndexEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return IndexArgs{}, &river.InsertOpts{UniqueOpts: indexUnique}
		}, nil)
	return []*river.PeriodicJob{index, staleJob()}
}

// SetQueue gives the service the job queue IndexSoon inserts into.
func (s *Service) SetQueue(q jobs.Queue) { s.queue = q }

// IndexSoon queues an index job now (a bulk send has finished: its records
// need no longer give way to it).
func (s *Service) IndexSoon(ctx context.Context) error {
	if s.queue == nil {
		return nil
	}
	_, err := s.queue.Insert(ctx, IndexArgs{}, &river.InsertOpts{UniqueOpts: indexUnique})
	return err
}

// IndexQueued indexes queued records for up to budget, unless a bulk send
// is under way and the oldest queued record has waited less than
// indexDefer. It returns how many records it took from the queue (a
// record deleted meanwhile is taken but not indexed) and whether records
// remain.
func (s *Service) IndexQueued(ctx context.Context, budget time.Duration) (int, bool, error) {
	sending, oldest, err := s.store.SearchBacklog(ctx)
	if err != nil || oldest.IsZero() {
		return 0, false, err
	}
	if sending && s.now().Sub(oldest) < indexDefer {
		return 0, true, nil
	}
	deadline := s.now().Add(budget)
	total := 0
	for {
		n, err := s.store.IndexQueuedRecords(ctx, indexBatch)
		total += n
		if err != nil || n < indexBatch {
			return total, false, err
		}
		if !s.now().Before(deadline) {
			return total, true, nil
		}
	}
}

type indexWorker struct {
	river.WorkerDefaults[IndexArgs]
	svc *Service
}

// Timeout leaves the budget room for its last batch.
func (w *indexWorker) Timeout(*river.Job[IndexArgs]) time.Duration {
	return indexBudget + 30*time.Second
}

// NextRetry retries soon: the work is idempotent, and while a failed job
// waits, no other index job is queued (they are unique).
func (w *indexWorker) NextRetry(*river.Job[IndexArgs]) time.Time {
	return time.Now().Add(5 * time.Second)
}

func (w *indexWorker) Work(ctx context.Context, job *river.Job[IndexArgs]) error {
	_, _, err := w.svc.IndexQueued(ctx, indexBudget)
	// Records left over (the budget ran out, or sends under way) are taken
	// by the next periodic run.
	return err
}
