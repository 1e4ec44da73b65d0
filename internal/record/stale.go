package record

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// A single contact logs its delivery before the provider call and settles
// it after, so a process that stops during the call leaves it "sending".
// This file's periodic job ends such deliveries as outcome unknown: the
// provider may or may not have the message, and it is never sent again
// blindly. (WeCom messages are settled by their own poller.)

// StaleArgs ends single-contact deliveries a stopped process left sending.
type StaleArgs struct{}

// Kind names the job.
func (StaleArgs) Kind() string { return "single_stale_deliveries" }

const (
	// staleEvery is how often deliveries left sending are looked for.
	staleEvery = time.Minute
	// staleSend is how long a delivery may stay sending before it is
	// taken for one whose process stopped: far beyond sendTimeout, so a
	// live call is never caught.
	staleSend = 5 * time.Minute
)

type staleWorker struct {
	river.WorkerDefaults[StaleArgs]
	svc *Service
}

func (w *staleWorker) Work(ctx context.Context, _ *river.Job[StaleArgs]) error {
	_, err := w.svc.store.FailStaleDeliveries(ctx, staleSend)
	return err
}

// staleJob is the periodic job of staleWorker.
func staleJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(staleEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return StaleArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: staleEvery}}
		}, nil)
}
