package model

import "time"

// Role is a user's role.
type Role string

// Roles.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent }

// User is an account of a rep or an admin.
type User struct {
	ID           int64  `json:"id"`
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	Email        string `json:"email"`
	Mobile       string `json:"mobile"`
	Role         Role   `json:"role"`
	TeamID       *int64 `json:"team_id"`
	Active       bool   `json:"active"`
	Language     string `json:"language"`
	Timezone     string `json:"timezone"`
	PasswordHash string `json:"-"`
	// MustChangePassword is set by an admin: until the user chooses a new
	// password they may use nothing else.
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	// ManagedTeamIDs lists the teams this user manages (filled on load).
	ManagedTeamIDs []int64 `json:"managed_team_ids,omitempty"`
}

// IsAdmin reports whether the user is an administrator.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Colleague is what every user may see of another: their name, role and
// team — not their username, e-mail address or mobile number.
type Colleague struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	TeamID      *int64 `json:"team_id"`
	Active      bool   `json:"active"`
}

// Colleague returns what colleagues see of u. A user without a display
// name shows under their username, as everywhere else.
func (u *User) Colleague() Colleague {
	return Colleague{ID: u.ID, DisplayName: u.Name(), Role: u.Role, TeamID: u.TeamID, Active: u.Active}
}

// Name returns the display name, falling back to the username.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Team is a group of users with an optional manager.
type Team struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ManagerID *int64 `json:"manager_id"`
	// MonthlyBudget bounds what the team's bulk sends of a calendar
	// month (company time) may cost before they need approval; 0: none.
	MonthlyBudget Money     `json:"monthly_budget"`
	MemberCount   int       `json:"member_count"`
	CreatedAt     time.Time `json:"created_at"`
}

// Session is a logged-in browser session. It ends at ExpiresAt, which
// each use moves on (the idle limit), and at EndsAt whatever its use (the
// absolute limit), whichever comes first.
type Session struct {
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
	EndsAt    time.Time
}

// SignOut counts what ending a user's access took away.
type SignOut struct {
	Sessions int64 `json:"sessions_ended"`
	Tokens   int64 `json:"tokens_revoked"`
}
