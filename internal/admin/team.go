package admin

import (
	"context"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

func validateTeam(t *model.Team) error {
	t.Name = strings.TrimSpace(t.Name)
	var errs model.ValidationErrors
	errs.Text("name", t.Name, true, 100)
	if t.MonthlyBudget < 0 || t.MonthlyBudget > 100_000_000*model.Yuan {
		errs.Add("monthly_budget", "out_of_range", "the monthly budget is 0 (none) to 100000000 yuan")
	}
	return errs.Err()
}

// Teams lists every team.
func (s *Service) Teams(ctx context.Context) ([]*model.Team, error) { return s.store.ListTeams(ctx) }

// Team returns one team.
func (s *Service) Team(ctx context.Context, id int64) (*model.Team, error) {
	return s.store.TeamByID(ctx, id)
}

// CreateTeam adds a team.
func (s *Service) CreateTeam(ctx context.Context, p permission.Policy, t *model.Team) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if err := validateTeam(t); err != nil {
		return err
	}
	return s.store.CreateTeam(ctx, t)
}

// UpdateTeam renames a team or changes its manager.
func (s *Service) UpdateTeam(ctx context.Context, p permission.Policy, t *model.Team) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if err := validateTeam(t); err != nil {
		return err
	}
	return s.store.UpdateTeam(ctx, t)
}

// DeleteTeam removes a team.
func (s *Service) DeleteTeam(ctx context.Context, p permission.Policy, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	return s.store.DeleteTeam(ctx, id)
}
