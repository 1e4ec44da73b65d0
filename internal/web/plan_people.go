package web

import (
	"context"
	"slices"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// managesOthers reports whether the user may hand plans to other reps and
// see theirs: admins and team managers.
func managesOthers(u *model.User) bool { return u.IsAdmin() || len(u.ManagedTeamIDs) > 0 }

// managedReps lists the active users u may assign plans to: everyone for
// an admin, a manager and the members of their teams, else only u. The
// plan service checks the same rule when it assigns.
func (h *handler) managedReps(ctx context.Context, u *model.User) ([]*model.User, error) {
	if u.IsAdmin() {
		return h.app.Admin.Users(ctx, storage.UserFilter{ActiveOnly: true})
	}
	out := []*model.User{u}
	for _, tid := range u.ManagedTeamIDs {
		members, err := h.app.Admin.Users(ctx, storage.UserFilter{TeamID: tid, ActiveOnly: true})
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if !slices.ContainsFunc(out, func(o *model.User) bool { return o.ID == m.ID }) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// managedTeams lists the teams whose plans u may filter by: every team for
// an admin, the teams they manage for a manager.
func (h *handler) managedTeams(ctx context.Context, u *model.User) ([]*model.Team, error) {
	teams, err := h.app.Admin.Teams(ctx)
	if err != nil || u.IsAdmin() {
		return teams, err
	}
	return slices.DeleteFunc(teams, func(t *model.Team) bool { return !slices.Contains(u.ManagedTeamIDs, t.ID) }), nil
}
