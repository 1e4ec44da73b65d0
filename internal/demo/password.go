package demo

import (
	"context"

	"touchbase/internal/admin"
	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// createDemoUser validates u like any account but gives it the short demo
// password, below the minimum enforced for real accounts: such passwords
// exist only in demo databases.
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
