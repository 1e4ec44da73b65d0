package bulk

import (
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/storage"
)

// ChunkReport tells what one settled chunk did, for metrics: counts by
// reason of the rows it settled for good, and of those put back to be
// tried again. Rows held for quiet hours are in none of them.
type ChunkReport struct {
	Channel  channel.Kind
	Provider string
	// SendTime is how long the provider calls took; 0 when none was made.
	SendTime time.Duration
	Sent     int
	Failed   map[string]int
	Skipped  map[string]int
	Retried  map[string]int
}

// ChunkFunc hears of every settled chunk.
type ChunkFunc func(ChunkReport)

// OnChunk sets the function told of every settled chunk.
func (s *Service) OnChunk(f ChunkFunc) { s.onChunk = f }

func chunkReport(ch channel.Channel, outs []storage.Outcome, sendTime time.Duration) ChunkReport {
	r := ChunkReport{Channel: ch.Kind(), Provider: ch.Name(), SendTime: sendTime,
		Failed: map[string]int{}, Skipped: map[string]int{}, Retried: map[string]int{}}
	for _, o := range outs {
		switch {
		case o.Sent:
			r.Sent++
		case o.Hold:
		case o.Skip:
			r.Skipped[o.Reason]++
		case o.Retry:
			r.Retried[o.Reason]++
		default:
			r.Failed[o.Reason]++
		}
	}
	return r
}
