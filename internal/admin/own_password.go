package admin

import (
	"context"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

// ChangeOwnPassword replaces the password of self after checking the
// current one, for the profile page and PUT /me/password. It lifts an
// admin's requirement to change it, ends every session of the user and
// revokes every API token of theirs.
// Both a wrong current password and a new one the policy refuses are
// reported, each under its field.
func (s *Service) ChangeOwnPassword(ctx context.Context, self *model.User, current, password string) error {
	var errs model.ValidationErrors
	if ok, err := auth.CheckPassword(self.PasswordHash, current); err != nil || !ok {
		errs.Add("current_password", "wrong_password", "the current password is wrong")
	}
	if err := auth.CheckNewPassword(self.Username, password); err != nil {
		errs = append(errs, err.(*model.FieldError))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	_, err := s.setPassword(ctx, self.ID, password, true)
	return err
}
