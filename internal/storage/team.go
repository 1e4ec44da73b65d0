package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

func teamWriteError(err error) error {
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("name", "taken", "a team with this name exists"))
	case isForeignKeyViolation(err):
		return model.NewFieldError("manager_id", "not_found", "manager does not exist")
	}
	return fmt.Errorf("store: write team: %w", err)
}

// CreateTeam inserts t.
func (s *Store) CreateTeam(ctx context.Context, t *model.Team) error {
	ts := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO teams (name, manager_id, monthly_budget, created_at) VALUES ($1, $2, $3, $4)
		RETURNING id`, t.Name, nullInt(t.ManagerID), int64(t.MonthlyBudget), ts).Scan(&t.ID)
	if err != nil {
		return teamWriteError(err)
	}
	t.CreatedAt = ts
	return nil
}

// UpdateTeam saves a team's name, manager and budget.
func (s *Store) UpdateTeam(ctx context.Context, t *model.Team) error {
	res, err := s.w.ExecContext(ctx, `UPDATE teams SET name = $1, manager_id = $2, monthly_budget = $3 WHERE id = $4`,
		t.Name, nullInt(t.ManagerID), int64(t.MonthlyBudget), t.ID)
	if err != nil {
		return teamWriteError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// DeleteTeam removes a team; its members keep their accounts, teamless.
func (s *Store) DeleteTeam(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM teams WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete team: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

const teamSelect = `SELECT t.id, t.name, t.manager_id, t.monthly_budget, t.created_at,
	(SELECT count(*) FROM users m WHERE m.team_id = t.id) FROM teams t`

func scanTeam(row interface{ Scan(...any) error }) (*model.Team, error) {
	var t model.Team
	var mgr sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &mgr, &t.MonthlyBudget, &t.CreatedAt, &t.MemberCount); err != nil {
		return nil, err
	}
	t.ManagerID = intPtr(mgr)
	return &t, nil
}

// TeamByID returns one team.
func (s *Store) TeamByID(ctx context.Context, id int64) (*model.Team, error) {
	t, err := scanTeam(s.r.QueryRowContext(ctx, teamSelect+` WHERE t.id = $1`, id))
	return t, notFound(err)
}

// ListTeams returns every team by name.
func (s *Store) ListTeams(ctx context.Context) ([]*model.Team, error) {
	rows, err := s.r.QueryContext(ctx, teamSelect+` ORDER BY t.name`)
	if err != nil {
		return nil, fmt.Errorf("store: list teams: %w", err)
	}
	defer rows.Close()
	var out []*model.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TeamSpent is what the bulk sends of a team's members accepted since
// since cost: the estimate of each send (a cancelled one only for the
// messages it sent), leaving out sends still waiting for approval.
func (s *Store) TeamSpent(ctx context.Context, teamID int64, since time.Time) (model.Money, error) {
	var spent int64
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN b.status <> $1 THEN b.estimated_cost
		WHEN b.estimated_messages > 0 THEN b.estimated_cost * (SELECT count(*) FROM bulk_recipients r
			WHERE r.bulk_send_id = b.id AND r.status = $2) / b.estimated_messages ELSE 0 END), 0)
		FROM bulk_sends b JOIN users u ON u.id = b.user_id
		WHERE u.team_id = $3 AND b.created_at >= $4 AND b.approval <> $5`,
		model.BulkCancelled, model.RecipientSent, teamID, dbTime(since), model.ApprovalWaiting).Scan(&spent)
	if err != nil {
		return 0, fmt.Errorf("store: team spent: %w", err)
	}
	return model.Money(spent), nil
}
