package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"touchbase/internal/storage"
)

// queueStates are the unfinished job states reported for every queue,
// zero when a queue has none.
var queueStates = []string{"available", "scheduled", "retryable", "running"}

// Queues is a collector of the River queues' depth and lag, read from the
// database at each scrape: the figures are those of every process
// sharing it, not of this one alone.
type Queues struct {
	read  func(context.Context) ([]storage.QueueStat, error)
	depth *prometheus.Desc
	lag   *prometheus.Desc
	up    *prometheus.Desc
}

// NewQueues returns the collector; read is usually Store.QueueStats.
func NewQueues(read func(context.Context) ([]storage.QueueStat, error)) *Queues {
	return &Queues{
		read: read,
		depth: prometheus.NewDesc("touchbase_queue_jobs", "Unfinished River jobs by queue and state (all processes).",
			[]string{"queue", "state"}, nil),
		lag: prometheus.NewDesc("touchbase_queue_lag_seconds",
			"How long the oldest job ready to run in each queue has waited (all processes).", []string{"queue"}, nil),
		up: prometheus.NewDesc("touchbase_queue_stats_up", "1 when the queue figures could be read at this scrape.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (q *Queues) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.depth
	ch <- q.lag
	ch <- q.up
}

// Collect implements prometheus.Collector.
func (q *Queues) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats, err := q.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 1)
	for _, st := range stats {
		for _, state := range queueStates {
			ch <- prometheus.MustNewConstMetric(q.depth, prometheus.GaugeValue, float64(st.ByState[state]), st.Queue, state)
		}
		ch <- prometheus.MustNewConstMetric(q.lag, prometheus.GaugeValue, st.Lag.Seconds(), st.Queue)
	}
}
