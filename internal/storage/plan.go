package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

const planColumns = `pl.id, pl.owner_id, COALESCE(NULLIF(ou.display_name, ''), ou.username, ''), pl.created_by, pl.customer_id,
	c.name, pl.contact_id, COALESCE(ct.name, ''), pl.title, pl.notes, pl.due_at, pl.remind_minutes, pl.recurrence,
	COALESCE(pl.series_id, pl.id), pl.occurrence, pl.status, pl.close_reason, pl.record_id, pl.completed_at,
	pl.created_at, pl.updated_at, pl.remind_email`

const planFrom = ` FROM plans pl JOIN customers c ON c.id = pl.customer_id JOIN users ou ON ou.id = pl.owner_id
	LEFT JOIN contacts ct ON ct.id = pl.contact_id`

func scanPlan(row interface{ Scan(...any) error }) (*model.Plan, error) {
	var p model.Plan
	var by, contact, rec sql.NullInt64
	var remind sql.NullInt64
	var done sql.NullTime
	err := row.Scan(&p.ID, &p.OwnerID, &p.OwnerName, &by, &p.CustomerID, &p.CustomerName, &contact, &p.ContactName, &p.Title,
		&p.Notes, &p.DueAt, &remind, &p.Recurrence, &p.SeriesID, &p.Occurrence, &p.Status, &p.CloseReason, &rec, &done,
		&p.CreatedAt, &p.UpdatedAt, &p.RemindEmail)
	if err != nil {
		return nil, err
	}
	p.CreatedBy, p.ContactID, p.RecordID = intPtr(by), intPtr(contact), intPtr(rec)
	if remind.Valid {
		m := int(remind.Int64)
		p.RemindMinutes = &m
	}
	if done.Valid {
		p.CompletedAt = &done.Time
	}
	return &p, nil
}

func nullMinutes(m *int) sql.NullInt64 {
	if m == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*m), Valid: true}
}

// PlanScheduler queues a plan's reminder inside the transaction that
// writes the plan, so that a plan and its reminder commit together.
type PlanScheduler func(ctx context.Context, tx *sql.Tx, p *model.Plan) error

func (f PlanScheduler) run(ctx context.Context, tx *sql.Tx, p *model.Plan) error {
	if f == nil {
		return nil
	}
	return f(ctx, tx, p)
}

// CreatePlans inserts plans (one each for several customers, say) with
// their topics and reminders in one transaction.
func (s *Store) CreatePlans(ctx context.Context, plans []*model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range plans {
			if err := createPlan(ctx, tx, p); err != nil {
				return err
			}
			if err := sched.run(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func createPlan(ctx context.Context, db querier, p *model.Plan) error {
	t := now()
	p.DueAt, p.CreatedAt, p.UpdatedAt, p.Status = dbTime(p.DueAt), t, t, model.PlanOpen
	if p.Occurrence == 0 {
		p.Occurrence = 1
	}
	var series sql.NullInt64
	if p.SeriesID != 0 {
		series = sql.NullInt64{Int64: p.SeriesID, Valid: true}
	}
	err := db.QueryRowContext(ctx, `INSERT INTO plans (owner_id, created_by, customer_id, contact_id, title, notes, due_at,
		remind_minutes, recurrence, series_id, occurrence, status, created_at, updated_at, remind_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id`,
		p.OwnerID, nullInt(p.CreatedBy), p.CustomerID, nullInt(p.ContactID), p.Title, p.Notes, p.DueAt, nullMinutes(p.RemindMinutes),
		p.Recurrence, series, p.Occurrence, p.Status, t, p.RemindEmail).Scan(&p.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: occurrence %d of plan series %d exists", model.ErrConflict, p.Occurrence, p.SeriesID)
		}
		return fmt.Errorf("store: create plan: %w", err)
	}
	if p.SeriesID == 0 {
		p.SeriesID = p.ID
	}
	return insertPlanTopics(ctx, db, p.ID, p.TopicIDs)
}

func insertPlanTopics(ctx context.Context, db querier, planID int64, topics []int64) error {
	for _, tid := range topics {
		if _, err := db.ExecContext(ctx, `INSERT INTO plan_topics (plan_id, topic_id) VALUES ($1, $2)`, planID, tid); err != nil {
			return fmt.Errorf("store: plan topics: %w", err)
		}
	}
	return nil
}

// PlanByID returns a plan the policy lets the user see. Pass an admin
// policy for workers.
func (s *Store) PlanByID(ctx context.Context, p permission.Policy, id int64) (*model.Plan, error) {
	var q Query
	q.Add(`SELECT `, planColumns, planFrom, ` WHERE pl.id = `, q.Arg(id), ` AND `, p.PlanSQL("pl", q.Arg))
	pl, err := scanPlan(s.r.QueryRowContext(ctx, q.SQL(), q.Args()...))
	if err != nil {
		return nil, notFound(err)
	}
	return pl, s.FillPlanTopics(ctx, []*model.Plan{pl})
}

// PlanFilter narrows ListPlans.
type PlanFilter struct {
	OwnerID    int64
	CustomerID int64
	Status     string
	DueFrom    time.Time // due_at >= DueFrom
	DueTo      time.Time // due_at < DueTo
	TeamID     int64     // owners in this team
	Ended      bool      // done, closed or cancelled
	Recent     bool      // most recently ended first (the Done tab) instead of soonest due
	Limit      int
	After      *PlanCursor // the page after this position (Next of the last plan listed)
}

// PlanCursor is the keyset position of a plan in a list's order: its due
// time (soonest due first) or the time it ended (most recent first), and
// its id.
type PlanCursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a URL.
func (c PlanCursor) String() string { return encodeKeyset(c.At, c.ID) }

// ParsePlanCursor decodes a cursor made by String.
func ParsePlanCursor(s string) (*PlanCursor, error) {
	t, id, err := decodeKeyset(s)
	if err != nil {
		return nil, err
	}
	return &PlanCursor{At: t, ID: id}, nil
}

// Next is the position after pl in the filter's order: pass it as After
// for the following page.
func (f PlanFilter) Next(pl *model.Plan) *PlanCursor {
	if !f.Recent {
		return &PlanCursor{At: pl.DueAt, ID: pl.ID}
	}
	at := pl.UpdatedAt
	if pl.CompletedAt != nil {
		at = *pl.CompletedAt
	}
	return &PlanCursor{At: at, ID: pl.ID}
}

// ListPlans returns a page of the plans the user may see, soonest due
// first (Recent: most recently ended first), after f.After if given.
func (s *Store) ListPlans(ctx context.Context, p permission.Policy, f PlanFilter) ([]*model.Plan, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 200
	}
	var q Query
	q.Add(`SELECT `, planColumns, planFrom, ` WHERE `)
	planWhere(&q, p, f)
	key, dir, order := `pl.due_at`, `>`, ``
	if f.Recent {
		key, dir, order = `COALESCE(pl.completed_at, pl.updated_at)`, `<`, ` DESC`
	}
	if c := f.After; c != nil {
		keyset(&q, s.dialect, key, `pl.id`, dir, c.At, c.ID)
	}
	q.Add(` ORDER BY `, key, order, `, pl.id`, order, ` LIMIT `, q.Arg(f.Limit))
	return s.queryPlans(ctx, &q, "list plans")
}

// queryPlans runs a query of planColumns; what names it in errors.
func (s *Store) queryPlans(ctx context.Context, q *Query, what string) ([]*model.Plan, error) {
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*model.Plan
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, rows.Err()
}

// queryIDs runs a query of one integer column.
func (s *Store) queryIDs(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// planWhere adds the filter's conditions, the permission rule first.
func planWhere(q *Query, p permission.Policy, f PlanFilter) {
	q.Add(p.PlanSQL("pl", q.Arg))
	if f.OwnerID != 0 {
		q.Add(` AND pl.owner_id = `, q.Arg(f.OwnerID))
	}
	if f.CustomerID != 0 {
		q.Add(` AND pl.customer_id = `, q.Arg(f.CustomerID))
	}
	if f.Status != "" {
		q.Add(` AND pl.status = `, q.Arg(f.Status))
	}
	if !f.DueFrom.IsZero() {
		q.Add(` AND pl.due_at >= `, q.Arg(dbTime(f.DueFrom)))
	}
	if !f.DueTo.IsZero() {
		q.Add(` AND pl.due_at < `, q.Arg(dbTime(f.DueTo)))
	}
	if f.Ended {
		q.Add(` AND pl.status <> `, q.Arg(model.PlanOpen))
	}
	if f.TeamID != 0 {
		q.Add(` AND ou.team_id = `, q.Arg(f.TeamID))
	}
}

// CountPlans counts the plans ListPlans would return, without its limit.
func (s *Store) CountPlans(ctx context.Context, p permission.Policy, f PlanFilter) (int, error) {
	var q Query
	q.Add(`SELECT COUNT(*)`, planFrom, ` WHERE `)
	planWhere(&q, p, f)
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count plans: %w", err)
	}
	return n, nil
}

// ReschedulePlan moves an open plan to p's due time and reminder, queueing
// the new reminder in the same transaction.
func (s *Store) ReschedulePlan(ctx context.Context, p *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE plans SET due_at = $1, remind_minutes = $2, updated_at = $3 WHERE id = $4 AND status = $5`,
			dbTime(p.DueAt), nullMinutes(p.RemindMinutes), now(), p.ID, model.PlanOpen)
		if err != nil {
			return fmt.Errorf("store: reschedule plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NewFieldError("status", "not_open", "only an open plan can be rescheduled")
		}
		return sched.run(ctx, tx, p)
	})
}

// createNext writes a recurring plan's next occurrence and its reminder.
func createNext(ctx context.Context, tx *sql.Tx, next *model.Plan, sched PlanScheduler) error {
	if next == nil {
		return nil
	}
	if err := createPlan(ctx, tx, next); err != nil {
		return err
	}
	return sched.run(ctx, tx, next)
}

// EndPlan cancels or closes an open plan with a reason and, for a
// recurring plan, creates its next occurrence, in one transaction.
func (s *Store) EndPlan(ctx context.Context, id int64, status, reason string, next *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE plans SET status = $1, close_reason = $2, completed_at = $3, updated_at = $3
			WHERE id = $4 AND status = $5`, status, reason, now(), id, model.PlanOpen)
		if err != nil {
			return fmt.Errorf("store: end plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NewFieldError("status", "not_open", "the plan is not open")
		}
		return createNext(ctx, tx, next, sched)
	})
}

// completePlan marks an open plan done by a record and creates its next
// occurrence, inside the record's transaction. With strict false a plan
// already done (by another channel of the same contact) is left as it is.
func completePlan(ctx context.Context, tx *sql.Tx, planID, recordID int64, next *model.Plan, sched PlanScheduler, strict bool) error {
	t := now()
	res, err := tx.ExecContext(ctx, `UPDATE plans SET status = $1, record_id = $2, completed_at = $3, updated_at = $3
		WHERE id = $4 AND status = $5`, model.PlanDone, recordID, t, planID, model.PlanOpen)
	if err != nil {
		return fmt.Errorf("store: complete plan: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if !strict {
			return nil
		}
		return model.NewFieldError("plan_id", "not_open", "the plan is already done or closed")
	}
	return createNext(ctx, tx, next, sched)
}

// CreateRecordForPlan writes a record and completes the plan it fulfils
// (rolling a recurring plan to next) in one transaction.
func (s *Store) CreateRecordForPlan(ctx context.Context, r *model.Record, next *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := createRecord(ctx, tx, r); err != nil {
			return err
		}
		return completePlan(ctx, tx, *r.PlanID, r.ID, next, sched, true)
	})
}

// ManagesUser reports whether the policy's user may assign work to userID:
// themselves, a member of a team they manage, anyone for admins.
func (s *Store) ManagesUser(ctx context.Context, p permission.Policy, userID int64) (bool, error) {
	var q Query
	q.Add(`SELECT COUNT(*) FROM users u WHERE u.id = `, q.Arg(userID), ` AND u.active = TRUE AND `, p.ManagesSQL("u.id", q.Arg))
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: manages user: %w", err)
	}
	return n == 1, nil
}
