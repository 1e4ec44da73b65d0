package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// FillPlanTopics sets the TopicIDs of each plan (ListPlans leaves them
// out), in one query; a plan without topics gets an empty list.
func (s *Store) FillPlanTopics(ctx context.Context, plans []*model.Plan) error {
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	topics, err := s.topicsOf(ctx, "plan_topics", "plan_id", ids)
	if err != nil {
		return err
	}
	for _, p := range plans {
		p.TopicIDs = topics[p.ID]
	}
	return nil
}

// PlansByID returns the plans of ids the policy lets the user see, with
// their topics, in the order of ids; ids not visible are left out.
func (s *Store) PlansByID(ctx context.Context, p permission.Policy, ids []int64) ([]*model.Plan, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := s.bulkQuery()
	q.Add(`SELECT `, planColumns, planFrom, ` WHERE pl.id IN (`)
	for i, id := range ids {
		if i > 0 {
			q.Add(", ")
		}
		q.Add(q.Arg(id))
	}
	q.Add(`) AND `, p.PlanSQL("pl", q.Arg))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: plans by id: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*model.Plan, len(ids))
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		byID[pl.ID] = pl
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*model.Plan, 0, len(byID))
	for _, id := range ids {
		if pl := byID[id]; pl != nil {
			out = append(out, pl)
		}
	}
	return out, s.FillPlanTopics(ctx, out)
}
