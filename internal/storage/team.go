package storage

import (
	"context"
	"database/sql"
	"fmt"

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
	err := s.w.QueryRowContext(ctx, `INSERT INTO teams (name, manager_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
		t.Name, nullInt(t.ManagerID), ts).Scan(&t.ID)
	if err != nil {
		return teamWriteError(err)
	}
	t.CreatedAt = ts
	return nil
}

// UpdateTeam saves a team's name and manager.
func (s *Store) UpdateTeam(ctx context.Context, t *model.Team) error {
	res, err := s.w.ExecContext(ctx, `UPDATE teams SET name = $1, manager_id = $2 WHERE id = $3`, t.Name, nullInt(t.ManagerID), t.ID)
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

const teamSelect = `SELECT t.id, t.name, t.manager_id, t.created_at,
	(SELECT count(*) FROM users m WHERE m.team_id = t.id) FROM teams t`

func scanTeam(row interface{ Scan(...any) error }) (*model.Team, error) {
	var t model.Team
	var mgr sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &mgr, &t.CreatedAt, &t.MemberCount); err != nil {
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
