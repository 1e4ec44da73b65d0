package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
)

// FillPlanTopics sets the TopicIDs of each plan (ListPlans leaves them
// out), in one query; a plan without topics gets an empty list.
func (s *Store) FillPlanTopics(ctx context.Context, plans []*model.Plan) error {
	if len(plans) == 0 {
		return nil
	}
	byID := make(map[int64]*model.Plan, len(plans))
	q := s.bulkQuery()
	q.Add(`SELECT plan_id, topic_id FROM plan_topics WHERE plan_id IN (`)
	for i, p := range plans {
		if i > 0 {
			q.Add(", ")
		}
		q.Add(q.Arg(p.ID))
		byID[p.ID] = p
		p.TopicIDs = []int64{}
	}
	q.Add(`) ORDER BY plan_id, topic_id`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return fmt.Errorf("store: plan topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, topic int64
		if err := rows.Scan(&id, &topic); err != nil {
			return fmt.Errorf("store: plan topics: %w", err)
		}
		if p := byID[id]; p != nil {
			p.TopicIDs = append(p.TopicIDs, topic)
		}
	}
	return rows.Err()
}
