package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
)

func TestDueNowDropsOnlyTimesThatHaveCome(t *testing.T) {
	past := &river.InsertOpts{Queue: "q", ScheduledAt: time.Now().Add(-time.Minute), MaxAttempts: 3}
	if got := dueNow(past); !got.ScheduledAt.IsZero() || got.Queue != "q" || got.MaxAttempts != 3 {
		t.Errorf("a past time: %+v", got)
	}
	if past.ScheduledAt.IsZero() {
		t.Error("the caller's options were changed")
	}
	future := &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}
	if got := dueNow(future); got != future {
		t.Errorf("a future time: %+v", got)
	}
	if got := dueNow(nil); got != nil {
		t.Errorf("no options: %+v", got)
	}
}
