package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"touchbase/internal/model"
)

const userColumns = `u.id, u.username, u.display_name, u.email, u.mobile, u.password_hash, u.role, u.team_id,
	u.active, u.language, u.timezone, u.created_at, u.updated_at, u.must_change_password`

func scanUser(row interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var team sql.NullInt64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Mobile, &u.PasswordHash, &u.Role, &team,
		&u.Active, &u.Language, &u.Timezone, &u.CreatedAt, &u.UpdatedAt, &u.MustChangePassword)
	if err != nil {
		return nil, err
	}
	u.TeamID = intPtr(team)
	return &u, nil
}

// CreateUser inserts u and sets its ID and timestamps.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	t := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO users
		(username, display_name, email, mobile, password_hash, role, team_id, active, language, timezone, created_at, updated_at,
		must_change_password)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`,
		u.Username, u.DisplayName, u.Email, u.Mobile, u.PasswordHash, u.Role, nullInt(u.TeamID), u.Active,
		u.Language, u.Timezone, t, u.MustChangePassword).Scan(&u.ID)
	if err != nil {
		return userWriteError(err)
	}
	u.CreatedAt, u.UpdatedAt = t, t
	return nil
}

func userWriteError(err error) error {
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("username", "taken", "username is already taken"))
	case isForeignKeyViolation(err):
		return model.NewFieldError("team_id", "not_found", "team does not exist")
	}
	return fmt.Errorf("store: write user: %w", err)
}

// UpdateUser saves every field of u except the password hash. Saving an
// inactive user ends their sessions and revokes their API tokens, so that
// enabling them again brings back neither.
func (s *Store) UpdateUser(ctx context.Context, u *model.User) error {
	t := now()
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET username = $1, display_name = $2, email = $3, mobile = $4,
			role = $5, team_id = $6, active = $7, language = $8, timezone = $9, updated_at = $10, must_change_password = $11
			WHERE id = $12`,
			u.Username, u.DisplayName, u.Email, u.Mobile, u.Role, nullInt(u.TeamID), u.Active, u.Language, u.Timezone, t,
			u.MustChangePassword, u.ID)
		if err != nil {
			return userWriteError(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		if !u.Active {
			_, err = signOut(ctx, tx, u.ID, true)
		}
		return err
	})
	if err != nil {
		return err
	}
	u.UpdatedAt = t
	return nil
}

// SetPassword replaces a user's password hash, ends their sessions and
// revokes their API tokens: whoever knew the old password may have made
// one. A password the user chose themselves (byUser) also lifts the
// requirement to change it; one set for them leaves it as it was.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, byUser bool) (model.SignOut, error) {
	set := `password_hash = $1, updated_at = $2`
	if byUser {
		set += `, must_change_password = FALSE`
	}
	var out model.SignOut
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+set+` WHERE id = $3`, hash, now(), userID)
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		out, err = signOut(ctx, tx, userID, true)
		return err
	})
	return out, err
}

// UserByID returns one user with the teams they manage.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return u, s.loadManagedTeams(ctx, u)
}

// UserByUsername returns one user by login name (case-insensitive).
func (s *Store) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE lower(u.username) = $1`,
		strings.ToLower(username)))
	if err != nil {
		return nil, notFound(err)
	}
	return u, s.loadManagedTeams(ctx, u)
}

func (s *Store) loadManagedTeams(ctx context.Context, u *model.User) error {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM teams WHERE manager_id = $1 ORDER BY id`, u.ID)
	if err != nil {
		return fmt.Errorf("store: managed teams: %w", err)
	}
	defer rows.Close()
	u.ManagedTeamIDs = nil
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		u.ManagedTeamIDs = append(u.ManagedTeamIDs, id)
	}
	return rows.Err()
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Query  string
	TeamID int64
	// ActiveOnly leaves out disabled users.
	ActiveOnly bool
	// NamesOnly matches Query against display names alone, not usernames
	// (for callers who may not see usernames).
	NamesOnly bool
}

// ListUsers returns users ordered by username.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]*model.User, error) {
	var q Query
	q.Add(`SELECT `, userColumns, ` FROM users u WHERE 1 = 1`)
	switch {
	case f.Query != "" && f.NamesOnly:
		q.Add(` AND lower(u.display_name) LIKE `, q.Arg(likePattern(f.Query)), ` ESCAPE '\'`)
	case f.Query != "":
		p := q.Arg(likePattern(f.Query))
		q.Add(` AND (lower(u.username) LIKE `, p, ` ESCAPE '\' OR lower(u.display_name) LIKE `, p, ` ESCAPE '\')`)
	}
	if f.TeamID != 0 {
		q.Add(` AND u.team_id = `, q.Arg(f.TeamID))
	}
	if f.ActiveOnly {
		q.Add(` AND u.active = TRUE`)
	}
	q.Add(` ORDER BY u.username`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}
