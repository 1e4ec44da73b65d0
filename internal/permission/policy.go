package permission

import (
	"touchbase/internal/model"
)

// Policy is everything the rules need to know about the acting user and the
// settings in force. Build one per request with For.
type Policy struct {
	UserID         int64
	Admin          bool
	TeamID         *int64
	Visibility     string
	OpenContactAll bool
}

// For returns the policy of user u under settings s.
func For(u *model.User, s model.Settings) Policy {
	return Policy{
		UserID:         u.ID,
		Admin:          u.IsAdmin(),
		TeamID:         u.TeamID,
		Visibility:     s.Visibility,
		OpenContactAll: s.OpenContactAll,
	}
}

// Access is what a policy allows on one customer.
type Access struct {
	See     bool
	Contact bool
	Edit    bool
}

// ArgFunc records a query argument and returns its placeholder.
type ArgFunc func(v any) string

// SeesEverything reports whether the user may see every customer.
func (p Policy) SeesEverything() bool { return p.Admin || p.Visibility == model.VisibilityAll }

// CanAdminister reports whether the user may manage users, teams, topics,
// relations and settings.
func (p Policy) CanAdminister() bool { return p.Admin }

// SeesUserDetails reports whether the user may see another user's
// username, e-mail address and mobile number: admins may, and everyone of
// themselves. Others see colleagues' names, roles and teams.
func (p Policy) SeesUserDetails(userID int64) bool { return p.Admin || userID == p.UserID }
