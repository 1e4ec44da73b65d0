package bulk

import (
	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// Failure stop: a send whose messages fail pauses itself, so that a bad
// list, a revoked template or an empty balance costs a chunk, not the
// whole send.
const (
	// healthWindow is how many of a dispatch job's latest settled
	// messages its failure rate is taken over, and healthMinSample how
	// many it needs before it judges.
	healthWindow    = 200
	healthMinSample = 100
	// fatalBurst provider refusals of the account itself in the window
	// pause the send whatever the rate: the rest would fail the same way.
	fatalBurst = 10
	// canaryMin is the smallest canary worth judging.
	canaryMin = 20
)

// fatal are the provider reasons that concern the account, not the
// recipient: every later message would fail the same way.
var fatal = map[string]bool{
	channel.ReasonQuotaExceeded:    true,
	channel.ReasonAuthFailed:       true,
	channel.ReasonSignRejected:     true,
	channel.ReasonTemplateRejected: true,
}

// health keeps the latest settled outcomes of one dispatch job: "" for a
// message sent, its reason for one that failed for good. Retries and
// skips are not outcomes yet.
type health struct {
	ring []string
	next int
}

func (h *health) add(reason string) {
	if len(h.ring) < healthWindow {
		h.ring = append(h.ring, reason)
		return
	}
	h.ring[h.next] = reason
	h.next = (h.next + 1) % healthWindow
}

// verdict returns why the send should pause, or nil: a failure rate over
// limitPercent of at least healthMinSample messages, or a burst of
// account refusals.
func (h *health) verdict(limitPercent int) *model.Pause {
	failed := map[string]int{}
	for _, r := range h.ring {
		if r != "" {
			failed[r]++
		}
	}
	return judge(len(h.ring), failed, limitPercent, healthMinSample, model.PauseFailureRate)
}

// judge looks at settled messages, of which failed counts those that
// failed by reason, and returns a pause with the dominant reason when
// they fail more than limitPercent of at least minSample, or when the
// provider refused the account fatalBurst times (or every time, in fewer).
func judge(settled int, failed map[string]int, limitPercent, minSample int, why string) *model.Pause {
	nFailed, refused := 0, 0
	for r, n := range failed {
		nFailed += n
		if fatal[r] {
			refused += n
		}
	}
	if nFailed == 0 {
		return nil
	}
	p := &model.Pause{Reason: why, Detail: dominant(failed), FailedPercent: nFailed * 100 / settled}
	switch {
	case refused >= fatalBurst || (refused == settled && refused >= 3):
		p.Reason = model.PauseProvider
		return p
	case settled >= minSample && nFailed*100 > limitPercent*settled:
		return p
	}
	return nil
}

// dominant is the most frequent reason (the first in name order of
// equals, so the choice is stable).
func dominant(reasons map[string]int) string {
	best, n := "", 0
	for r, c := range reasons {
		if c > n || (c == n && r < best) {
			best, n = r, c
		}
	}
	return best
}

// canarySize is how many of total recipients go first: percent of them,
// at least canaryMin and at most limit; none when that would be half the
// send or more (a small send is judged by its failure rate alone).
func canarySize(total, percent, limit int) int {
	if percent <= 0 || limit <= 0 {
		return 0
	}
	n := min(max((total*percent+99)/100, canaryMin), limit)
	if n*2 > total {
		return 0
	}
	return n
}
