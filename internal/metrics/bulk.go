package metrics

import "touchbase/internal/bulk"

// BulkChunk records what one dispatched chunk settled and how long its
// provider calls took.
func (s *Set) BulkChunk(r bulk.ChunkReport) {
	if s == nil {
		return
	}
	ch := string(r.Channel)
	if r.Sent > 0 {
		s.recipients.WithLabelValues(ch, r.Provider, "sent", "").Add(float64(r.Sent))
	}
	for status, by := range map[string]map[string]int{"failed": r.Failed, "skipped": r.Skipped} {
		for reason, n := range by {
			s.recipients.WithLabelValues(ch, r.Provider, status, reason).Add(float64(n))
		}
	}
	for reason, n := range r.Retried {
		s.retries.WithLabelValues(ch, r.Provider, reason).Add(float64(n))
	}
	if r.SendTime > 0 {
		s.chunkDuration.WithLabelValues(ch, r.Provider).Observe(r.SendTime.Seconds())
	}
}
