package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// QueueStat is the state of one River queue: its jobs by state, and how
// long the oldest job ready to run has waited.
type QueueStat struct {
	Queue   string
	ByState map[string]int // available, scheduled, retryable, running
	Lag     time.Duration
}

// QueueStats reads the depth and lag of every queue with unfinished
// jobs. Jobs that ended (completed, cancelled, discarded) are not
// counted.
func (s *Store) QueueStats(ctx context.Context) ([]QueueStat, error) {
	lag := `EXTRACT(EPOCH FROM now() - MIN(scheduled_at))`
	if s.dialect == SQLite {
		lag = `(julianday('now') - julianday(MIN(scheduled_at))) * 86400.0`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT queue, state, count(*),
		CASE WHEN state = 'available' THEN `+lag+` END
		FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'running')
		GROUP BY queue, state ORDER BY queue, state`)
	if err != nil {
		return nil, fmt.Errorf("store: queue stats: %w", err)
	}
	defer rows.Close()
	var out []QueueStat
	for rows.Next() {
		var queue, state string
		var n int
		var secs sql.NullFloat64
		if err := rows.Scan(&queue, &state, &n, &secs); err != nil {
			return nil, fmt.Errorf("store: queue stats: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Queue != queue {
			out = append(out, QueueStat{Queue: queue, ByState: map[string]int{}})
		}
		q := &out[len(out)-1]
		q.ByState[state] = n
		if secs.Valid && secs.Float64 > 0 {
			q.Lag = time.Duration(secs.Float64 * float64(time.Second))
		}
	}
	return out, rows.Err()
}
