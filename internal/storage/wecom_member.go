package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"touchbase/internal/model"
)

// SaveWeComMembers stores the members read from WeCom: names and contact
// details are refreshed, the mapping to users is kept.
func (s *Store) SaveWeComMembers(ctx context.Context, ms []model.WeComMember) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		at := now()
		for _, m := range ms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wecom_members (userid, name, mobile, email, updated_at)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (userid) DO UPDATE SET name = excluded.name, mobile = excluded.mobile,
				email = excluded.email, updated_at = excluded.updated_at`,
				m.ID, m.Name, m.Mobile, m.Email, at); err != nil {
				return fmt.Errorf("store: save wecom member: %w", err)
			}
		}
		return nil
	})
}

const weComMemberCols = `m.userid, m.name, m.mobile, m.email, m.user_id, COALESCE(u.display_name, ''), m.matched_by,
	(SELECT count(*) FROM wecom_follows f WHERE f.userid = m.userid), m.updated_at`

func scanWeComMember(sc interface{ Scan(...any) error }) (*model.WeComMember, error) {
	var m model.WeComMember
	var uid sql.NullInt64
	if err := sc.Scan(&m.ID, &m.Name, &m.Mobile, &m.Email, &uid, &m.UserName, &m.MatchedBy, &m.Follows, &m.UpdatedAt); err != nil {
		return nil, err
	}
	m.UserID = intPtr(uid)
	return &m, nil
}

// WeComMembers lists the members known, mapped ones first, by name.
func (s *Store) WeComMembers(ctx context.Context) ([]*model.WeComMember, error) {
	return s.weComMembers(ctx, "")
}

// MappedWeComMembers lists the members that are users.
func (s *Store) MappedWeComMembers(ctx context.Context) ([]*model.WeComMember, error) {
	return s.weComMembers(ctx, " WHERE m.user_id IS NOT NULL")
}

func (s *Store) weComMembers(ctx context.Context, where string) ([]*model.WeComMember, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+weComMemberCols+` FROM wecom_members m
		LEFT JOIN users u ON u.id = m.user_id`+where+` ORDER BY m.user_id IS NULL, m.name, m.userid`)
	if err != nil {
		return nil, fmt.Errorf("store: wecom members: %w", err)
	}
	defer rows.Close()
	var out []*model.WeComMember
	for rows.Next() {
		m, err := scanWeComMember(rows)
		if err != nil {
			return nil, fmt.Errorf("store: wecom members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// WeComMemberOfUser returns the member mapped to user; ErrNotFound when
// there is none.
func (s *Store) WeComMemberOfUser(ctx context.Context, userID int64) (*model.WeComMember, error) {
	m, err := scanWeComMember(s.r.QueryRowContext(ctx, `SELECT `+weComMemberCols+` FROM wecom_members m
		LEFT JOIN users u ON u.id = m.user_id WHERE m.user_id = $1`, userID))
	if err != nil {
		return nil, notFound(err)
	}
	return m, nil
}

// MapWeComMember makes member the WeCom identity of user (nil: of nobody);
// how says how it was matched. A user already mapped to another member
// is a conflict; an unknown member is not found.
func (s *Store) MapWeComMember(ctx context.Context, memberID string, userID *int64, how string) error {
	if userID == nil {
		how = ""
	}
	res, err := s.w.ExecContext(ctx, `UPDATE wecom_members SET user_id = $1, matched_by = $2, updated_at = $3 WHERE userid = $4`,
		nullInt(userID), how, now(), memberID)
	if isUniqueViolation(err) {
		return model.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: map wecom member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// MatchWeComMembers maps every unmapped member to the active user with
// the same mobile number or e-mail address (compared without case), when
// exactly one user has it and that user is not mapped yet. It returns how
// many it mapped.
func (s *Store) MatchWeComMembers(ctx context.Context) (int, error) {
	members, err := s.WeComMembers(ctx)
	if err != nil {
		return 0, err
	}
	mapped := 0
	for _, m := range members {
		if m.UserID != nil {
			continue
		}
		for _, by := range []struct{ how, col, val string }{
			{model.WeComMatchedByMobile, "mobile", m.Mobile},
			{model.WeComMatchedByEmail, "lower(email)", strings.ToLower(m.Email)},
		} {
			if by.val == "" {
				continue
			}
			var ids []int64
			rows, err := s.r.QueryContext(ctx, `SELECT id FROM users WHERE active AND `+by.col+` = $1
				AND id NOT IN (SELECT user_id FROM wecom_members WHERE user_id IS NOT NULL) LIMIT 2`, by.val)
			if err != nil {
				return mapped, fmt.Errorf("store: match wecom members: %w", err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return mapped, err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if len(ids) != 1 {
				continue
			}
			if err := s.MapWeComMember(ctx, m.ID, &ids[0], by.how); err != nil {
				return mapped, err
			}
			mapped++
			break
		}
	}
	return mapped, nil
}
