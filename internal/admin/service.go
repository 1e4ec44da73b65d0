package admin

import (
	"context"
	"regexp"
	"strings"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Service manages users, teams, topics and settings.
type Service struct {
	store *storage.Store
}

// NewService returns a Service on store.
func NewService(store *storage.Store) *Service { return &Service{store: store} }

func requireAdmin(p permission.Policy) error {
	if !p.CanAdminister() {
		return model.ErrForbidden
	}
	return nil
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`)

// Languages the UI speaks; "" means "from the browser".
var languages = map[string]bool{"": true, "zh-CN": true, "en": true}

// ValidateUser trims and checks a user's fields (not the password).
func ValidateUser(u *model.User) error {
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	var errs model.ValidationErrors
	if !usernamePattern.MatchString(u.Username) {
		errs.Add("username", "invalid_username", "username must be 2–64 letters, digits, dots, dashes or underscores")
	}
	errs.Text("display_name", u.DisplayName, false, 100)
	if !u.Role.Valid() {
		errs.Add("role", "invalid_role", "role must be admin or agent")
	}
	if e, err := contact.NormalizeEmail(u.Email); err != nil {
		errs.Add("email", "invalid_email", err.(*model.FieldError).Message)
	} else {
		u.Email = e
	}
	if m, err := contact.NormalizeMobile(u.Mobile, "CN"); err != nil {
		fe := err.(*model.FieldError)
		errs.Add("mobile", fe.Code, fe.Message)
	} else {
		u.Mobile = m
	}
	if !languages[u.Language] {
		errs.Add("language", "invalid_language", "language must be zh-CN or en")
	}
	if u.Timezone == "" {
		u.Timezone = "Asia/Shanghai"
	}
	if _, err := time.LoadLocation(u.Timezone); err != nil {
		errs.Add("timezone", "invalid_timezone", "unknown time zone "+u.Timezone)
	}
	return errs.Err()
}

// CreateUser adds a user with the given password.
func (s *Service) CreateUser(ctx context.Context, p permission.Policy, u *model.User, password string) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	return s.createUser(ctx, u, password)
}

// Bootstrap creates a user without a policy: for the CLI and first start.
func (s *Service) Bootstrap(ctx context.Context, u *model.User, password string) error {
	return s.createUser(ctx, u, password)
}

func (s *Service) createUser(ctx context.Context, u *model.User, password string) error {
	err := ValidateUser(u)
	var errs model.ValidationErrors
	if ve, ok := model.AsValidation(err); ok {
		errs = ve
	} else if err != nil {
		return err
	}
	if perr := auth.CheckNewPassword(u.Username, password); perr != nil {
		errs = append(errs, perr.(*model.FieldError))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	return s.store.CreateUser(ctx, u)
}

// UpdateUser saves a user's profile, role, team and active flag. An admin
// cannot demote or deactivate themselves (so one admin always remains).
func (s *Service) UpdateUser(ctx context.Context, p permission.Policy, u *model.User) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if u.ID == p.UserID && (u.Role != model.RoleAdmin || !u.Active) {
		return model.NewFieldError("role", "self_demotion", "you cannot demote or deactivate yourself")
	}
	if err := ValidateUser(u); err != nil {
		return err
	}
	return s.store.UpdateUser(ctx, u)
}

// UpdateProfile lets any user change their own display name, e-mail,
// mobile, language and time zone.
func (s *Service) UpdateProfile(ctx context.Context, self *model.User, in model.User) error {
	u := *self
	u.DisplayName, u.Email, u.Mobile, u.Language, u.Timezone = in.DisplayName, in.Email, in.Mobile, in.Language, in.Timezone
	if err := ValidateUser(&u); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, &u); err != nil {
		return err
	}
	*self = u
	return nil
}

// SetPassword replaces a user's password: admins for anyone, users for
// themselves. Every session of that user ends and every API token of
// theirs is revoked. A password users choose themselves lifts an admin's
// requirement to change it; one an admin sets for someone else leaves it
// as it was.
func (s *Service) SetPassword(ctx context.Context, p permission.Policy, userID int64, password string) error {
	if !p.Admin && p.UserID != userID {
		return model.ErrForbidden
	}
	_, err := s.setPassword(ctx, userID, password, p.UserID == userID)
	return err
}

// ResetPassword sets a password without a policy (for the CLI) and
// returns the sessions and tokens it ended. It leaves the requirement to
// change it as it was.
func (s *Service) ResetPassword(ctx context.Context, userID int64, password string) (model.SignOut, error) {
	return s.setPassword(ctx, userID, password, false)
}

// setPassword checks password against the policy for the user's name and
// stores it; byUser: the user chose it themselves.
func (s *Service) setPassword(ctx context.Context, userID int64, password string, byUser bool) (model.SignOut, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return model.SignOut{}, err
	}
	if err := auth.CheckNewPassword(u.Username, password); err != nil {
		return model.SignOut{}, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return model.SignOut{}, err
	}
	return s.store.SetPassword(ctx, userID, hash, byUser)
}

// Users lists users. Everyone may list them (to pick a rep or a relation).
func (s *Service) Users(ctx context.Context, f storage.UserFilter) ([]*model.User, error) {
	return s.store.ListUsers(ctx, f)
}

// Directory lists users for p: a search matches usernames only for those
// who may see them (admins); everyone else finds colleagues by name.
func (s *Service) Directory(ctx context.Context, p permission.Policy, f storage.UserFilter) ([]*model.User, error) {
	f.NamesOnly = !p.CanAdminister()
	return s.store.ListUsers(ctx, f)
}

// User returns one user.
func (s *Service) User(ctx context.Context, id int64) (*model.User, error) {
	return s.store.UserByID(ctx, id)
}
