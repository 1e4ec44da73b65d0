package admin

import (
	"context"

	"github.com/nyaruka/phonenumbers"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Settings returns the settings in force.
func (s *Service) Settings(ctx context.Context) (model.Settings, error) { return s.store.Settings(ctx) }

// SaveSettings validates and stores settings.
func (s *Service) SaveSettings(ctx context.Context, p permission.Policy, st model.Settings) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	var errs model.ValidationErrors
	switch st.Visibility {
	case model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll:
	default:
		errs.Add("visibility", "invalid", "visibility must be own, team or all")
	}
	if phonenumbers.GetCountryCodeForRegion(st.DefaultRegion) == 0 {
		errs.Add("default_region", "invalid", "unknown region code "+st.DefaultRegion)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.store.SaveSettings(ctx, st)
}
