package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// UpdatePlan rewrites an open plan's details (title, notes, contact,
// topics, due time, reminder, recurrence) and queues its reminder, in one
// transaction.
func (s *Store) UpdatePlan(ctx context.Context, p *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE plans SET title = $1, notes = $2, contact_id = $3, due_at = $4, remind_minutes = $5,
			remind_email = $6, recurrence = $7, updated_at = $8 WHERE id = $9 AND status = $10`,
			p.Title, p.Notes, nullInt(p.ContactID), dbTime(p.DueAt), nullMinutes(p.RemindMinutes), p.RemindEmail, p.Recurrence, now(),
			p.ID, model.PlanOpen)
		if err != nil {
			return fmt.Errorf("store: update plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NewFieldError("status", "not_open", "only an open plan can be changed")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_topics WHERE plan_id = $1`, p.ID); err != nil {
			return fmt.Errorf("store: plan topics: %w", err)
		}
		if err := insertPlanTopics(ctx, tx, p.ID, p.TopicIDs); err != nil {
			return err
		}
		return sched.run(ctx, tx, p)
	})
}

// ReassignPlan gives an open plan to another owner.
func (s *Store) ReassignPlan(ctx context.Context, id, ownerID int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE plans SET owner_id = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
		ownerID, now(), id, model.PlanOpen)
	if err != nil {
		return fmt.Errorf("store: reassign plan: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.NewFieldError("status", "not_open", "only an open plan can be reassigned")
	}
	return nil
}

// OpenPlanOwners returns the owners of the open plans the policy lets the
// user see.
func (s *Store) OpenPlanOwners(ctx context.Context, p permission.Policy) ([]int64, error) {
	var q Query
	q.Add(`SELECT DISTINCT pl.owner_id FROM plans pl WHERE pl.status = `, q.Arg(model.PlanOpen), ` AND `, p.PlanSQL("pl", q.Arg),
		` ORDER BY pl.owner_id`)
	return s.queryIDs(ctx, "plan owners", q.SQL(), q.Args()...)
}

// OpenPlansOutOfReach returns the open plans of the owner whose policy is
// owner on customers the owner may no longer contact (rights lost since
// the plan was made), soonest due first.
func (s *Store) OpenPlansOutOfReach(ctx context.Context, owner permission.Policy) ([]*model.Plan, error) {
	var q Query
	q.Add(`SELECT `, planColumns, planFrom, ` WHERE pl.owner_id = `, q.Arg(owner.UserID), ` AND pl.status = `, q.Arg(model.PlanOpen),
		` AND NOT `, owner.ContactSQL("c", q.Arg), ` ORDER BY pl.due_at, pl.id LIMIT 1000`)
	return s.queryPlans(ctx, &q, "plans out of reach")
}
