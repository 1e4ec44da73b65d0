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

// APIToken is a bearer token of a user; the secret itself is never stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Session is a logged-in browser session.
type Session struct {
	ID        string
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}
