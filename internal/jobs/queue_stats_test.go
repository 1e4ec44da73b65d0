package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/jobs"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

type waitingArgs struct{}

func (waitingArgs) Kind() string { return "waiting" }

// TestQueueStats reads River's jobs as the metrics do: unfinished jobs by
// queue and state, and the wait of the oldest one ready to run.
func TestQueueStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(s, jobs.Options{}) // insert-only: nothing works the jobs
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []*river.InsertOpts{
			{Queue: "mail"}, {Queue: "mail"}, {Queue: "mail", ScheduledAt: time.Now().Add(time.Hour)}, {Queue: "calls"},
		} {
			if _, err := q.Insert(ctx, waitingArgs{}, opts); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(1200 * time.Millisecond)
		stats, err := s.QueueStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]storage.QueueStat{}
		for _, st := range stats {
			by[st.Queue] = st
		}
		mail, calls := by["mail"], by["calls"]
		if len(by) != 2 || mail.ByState["available"] != 2 || mail.ByState["scheduled"] != 1 || calls.ByState["available"] != 1 {
			t.Fatalf("queue stats: %+v", stats)
		}
		for _, st := range []storage.QueueStat{mail, calls} {
			if st.Lag < time.Second || st.Lag > 30*time.Second {
				t.Errorf("queue %s: lag %v, want about 1.2 s", st.Queue, st.Lag)
			}
		}
	})
}
