package demo

import (
	"context"

	"touchbase/internal/admin"
	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// createDemoUser validates u like any account but gives it the demo
// password, which the password policy of real accounts refuses (too short,
// and among the most common): it is written straight to the store, past
// auth.CheckNewPassword, because demo accounts are seeded data whose
// password the demo prints for anyone to use, and exist only in demo
// databases.
func createDemoUser(ctx context.Context, store *storage.Store, u *model.User) error {
	if err := admin.ValidateUser(u); err != nil {
		return err
	}
	h, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return store.CreateUser(ctx, u)
}
