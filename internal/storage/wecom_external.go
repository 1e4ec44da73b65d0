package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"touchbase/internal/model"
)

// SyncWeComFollows stores what one walk of a member's external contacts
// found: each external contact (its name and details; its match to a
// contact is kept) and the member's follow of it. The member's follows of
// external contacts the walk did not find are removed. at is when the walk
// began.
func (s *Store) SyncWeComFollows(ctx context.Context, memberID string, exts []*model.WeComExternal, at time.Time) error {
	at = dbTime(at)
	return s.InTx(ctx, func(tx *sql.Tx) error {
		for _, e := range exts {
			if err := upsertWeComExternal(ctx, tx, e, at); err != nil {
				return err
			}
			for _, f := range e.Follows {
				if f.MemberID != memberID {
					continue
				}
				if err := upsertWeComFollow(ctx, tx, e.ID, f, at); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM wecom_follows WHERE userid = $1 AND changed_at < $2`, memberID, at)
		if err != nil {
			return fmt.Errorf("store: sync wecom follows: %w", err)
		}
		return nil
	})
}

// SaveWeComExternal stores an external contact as WeCom describes it now,
// with the whole list of members who follow it, as of WeCom time at: a
// follow changed later than at (by a newer event) is left alone.
func (s *Store) SaveWeComExternal(ctx context.Context, e *model.WeComExternal, at time.Time) error {
	at = dbTime(at)
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := upsertWeComExternal(ctx, tx, e, at); err != nil {
			return err
		}
		keep := make([]string, 0, len(e.Follows))
		for _, f := range e.Follows {
			if err := upsertWeComFollow(ctx, tx, e.ID, f, at); err != nil {
				return err
			}
			keep = append(keep, f.MemberID)
		}
		var q Query
		q.Add(`DELETE FROM wecom_follows WHERE external_userid = `, q.Arg(e.ID), ` AND changed_at <= `, q.Arg(at))
		if len(keep) > 0 {
			q.Add(` AND userid NOT IN (`, placeholderList(&q, keep), `)`)
		}
		if _, err := tx.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
			return fmt.Errorf("store: save wecom external: %w", err)
		}
		return nil
	})
}

// RemoveWeComFollow ends member's follow of an external contact, unless a
// change later than at (WeCom time) has been applied to it since.
func (s *Store) RemoveWeComFollow(ctx context.Context, externalID, memberID string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM wecom_follows WHERE external_userid = $1 AND userid = $2 AND changed_at <= $3`,
		externalID, memberID, dbTime(at))
	if err != nil {
		return fmt.Errorf("store: remove wecom follow: %w", err)
	}
	return nil
}

func upsertWeComExternal(ctx context.Context, tx *sql.Tx, e *model.WeComExternal, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO wecom_externals (external_userid, name, unionid, corp_name, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (external_userid) DO UPDATE SET name = excluded.name, unionid = excluded.unionid,
		corp_name = excluded.corp_name, updated_at = excluded.updated_at`,
		e.ID, e.Name, e.UnionID, e.CorpName, at)
	if err != nil {
		return fmt.Errorf("store: save wecom external: %w", err)
	}
	return nil
}

func upsertWeComFollow(ctx context.Context, tx *sql.Tx, externalID string, f model.WeComFollow, at time.Time) error {
	var added any
	if f.AddedAt != nil {
		added = dbTime(*f.AddedAt)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO wecom_follows (external_userid, userid, remark, remark_mobiles, added_at, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (external_userid, userid) DO UPDATE SET remark = excluded.remark,
		remark_mobiles = excluded.remark_mobiles, added_at = excluded.added_at, changed_at = excluded.changed_at
		WHERE wecom_follows.changed_at <= excluded.changed_at`,
		externalID, f.MemberID, f.Remark, strings.Join(f.RemarkMobiles, ","), added, at)
	if err != nil {
		return fmt.Errorf("store: save wecom follow: %w", err)
	}
	return nil
}

// WeComExternalFilter selects external contacts.
type WeComExternalFilter struct {
	// Unmatched keeps those matched to no contact and not set aside as
	// no customer: the admin's review list.
	Unmatched bool
	ContactID int64 // those matched to this contact
	// After, when set (or with a negative Limit), lists by
	// external_userid from after this one, to walk every entry, instead of
	// newest first; a negative Limit is 500.
	After string
	Limit int
}

// WeComExternals lists external contacts with their follows, newest
// first.
func (s *Store) WeComExternals(ctx context.Context, f WeComExternalFilter) ([]*model.WeComExternal, error) {
	var q Query
	q.Add(`SELECT `, weComExternalCols, ` FROM wecom_externals e WHERE 1 = 1`)
	if f.Unmatched {
		q.Add(` AND e.contact_id IS NULL AND e.matched_by = ''`)
	}
	if f.ContactID != 0 {
		q.Add(` AND e.contact_id = `, q.Arg(f.ContactID))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	order := `e.updated_at DESC, e.external_userid`
	if f.After != "" || f.Limit < 0 {
		q.Add(` AND e.external_userid > `, q.Arg(f.After))
		order = `e.external_userid`
	}
	q.Add(` ORDER BY `, order, ` LIMIT `, q.Arg(limit))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: wecom externals: %w", err)
	}
	var out []*model.WeComExternal
	byID := map[string]*model.WeComExternal{}
	for rows.Next() {
		e, err := scanWeComExternal(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: wecom externals: %w", err)
		}
		out = append(out, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadWeComFollows(ctx, byID)
}

const weComExternalCols = `e.external_userid, e.name, e.unionid, e.corp_name, e.contact_id, e.matched_by, e.updated_at`

func scanWeComExternal(sc interface{ Scan(...any) error }) (*model.WeComExternal, error) {
	var e model.WeComExternal
	var cid sql.NullInt64
	if err := sc.Scan(&e.ID, &e.Name, &e.UnionID, &e.CorpName, &cid, &e.MatchedBy, &e.UpdatedAt); err != nil {
		return nil, err
	}
	e.ContactID = intPtr(cid)
	return &e, nil
}

// WeComExternal returns one external contact with its follows.
func (s *Store) WeComExternal(ctx context.Context, id string) (*model.WeComExternal, error) {
	e, err := scanWeComExternal(s.r.QueryRowContext(ctx, `SELECT `+weComExternalCols+`
		FROM wecom_externals e WHERE e.external_userid = $1`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return e, s.loadWeComFollows(ctx, map[string]*model.WeComExternal{e.ID: e})
}

func (s *Store) loadWeComFollows(ctx context.Context, byID map[string]*model.WeComExternal) error {
	if len(byID) == 0 {
		return nil
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	var q Query
	q.Add(`SELECT f.external_userid, f.userid, COALESCE(NULLIF(u.display_name, ''), m.name, f.userid),
		f.remark, f.remark_mobiles, f.added_at
		FROM wecom_follows f LEFT JOIN wecom_members m ON m.userid = f.userid LEFT JOIN users u ON u.id = m.user_id
		WHERE f.external_userid IN (`, placeholderList(&q, ids), `) ORDER BY f.added_at, f.userid`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return fmt.Errorf("store: wecom follows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ext, mobiles string
		var f model.WeComFollow
		var added sql.NullTime
		if err := rows.Scan(&ext, &f.MemberID, &f.MemberName, &f.Remark, &mobiles, &added); err != nil {
			return fmt.Errorf("store: wecom follows: %w", err)
		}
		if mobiles != "" {
			f.RemarkMobiles = strings.Split(mobiles, ",")
		}
		if added.Valid {
			t := added.Time
			f.AddedAt = &t
		}
		if e := byID[ext]; e != nil {
			e.Follows = append(e.Follows, f)
		}
	}
	return rows.Err()
}

// MatchWeComExternal sets the contact an external contact is (nil: none)
// and how it was matched; an unknown external contact is not found.
func (s *Store) MatchWeComExternal(ctx context.Context, externalID string, contactID *int64, how string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE wecom_externals SET contact_id = $1, matched_by = $2 WHERE external_userid = $3`,
		nullInt(contactID), how, externalID)
	if isForeignKeyViolation(err) {
		return model.NewFieldError("contact_id", "not_found", "no such contact")
	}
	if err != nil {
		return fmt.Errorf("store: match wecom external: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// ContactsByMobile returns the ids of the contacts with mobile (E.164),
// at most limit of them.
func (s *Store) ContactsByMobile(ctx context.Context, mobile string, limit int) ([]int64, error) {
	return s.queryIDs(ctx, "contacts by mobile", `SELECT id FROM contacts WHERE mobile = $1 ORDER BY id LIMIT $2`, mobile, limit)
}

// WeComFollowersOf returns, for each contact, the names of the members
// who follow its WeChat identity (the user's display name for mapped
// members).
func (s *Store) WeComFollowersOf(ctx context.Context, contactIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(contactIDs) == 0 {
		return out, nil
	}
	var q Query
	q.Add(`SELECT e.contact_id, COALESCE(NULLIF(u.display_name, ''), m.name, f.userid)
		FROM wecom_externals e JOIN wecom_follows f ON f.external_userid = e.external_userid
		LEFT JOIN wecom_members m ON m.userid = f.userid LEFT JOIN users u ON u.id = m.user_id
		WHERE `, s.idIn(&q, "e.contact_id", contactIDs), ` ORDER BY e.contact_id, f.added_at, f.userid`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: wecom followers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = append(out[id], name)
	}
	return out, rows.Err()
}

// WeComCounts sums up the identities known.
type WeComCounts struct {
	Externals int `json:"externals"`
	Matched   int `json:"matched"`
	Review    int `json:"review"`
	Follows   int `json:"follows"`
}

// WeComCounts counts external contacts (matched, waiting for review) and
// follows.
func (s *Store) WeComCounts(ctx context.Context) (WeComCounts, error) {
	var c WeComCounts
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM wecom_externals),
		(SELECT count(*) FROM wecom_externals WHERE contact_id IS NOT NULL),
		(SELECT count(*) FROM wecom_externals WHERE contact_id IS NULL AND matched_by = ''),
		(SELECT count(*) FROM wecom_follows)`).Scan(&c.Externals, &c.Matched, &c.Review, &c.Follows)
	if err != nil {
		return c, fmt.Errorf("store: wecom counts: %w", err)
	}
	return c, nil
}

// WeComIdentity is one WeChat identity of a contact and the members who
// follow it (in userid order; none when nobody does any more).
type WeComIdentity struct {
	External  string
	Followers []string
}

// WeComIdentitiesOf returns the WeChat identities matched to a contact,
// in external_userid order.
func (s *Store) WeComIdentitiesOf(ctx context.Context, contactID int64) ([]WeComIdentity, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.external_userid, COALESCE(f.userid, '') FROM wecom_externals e
		LEFT JOIN wecom_follows f ON f.external_userid = e.external_userid
		WHERE e.contact_id = $1 ORDER BY e.external_userid, f.userid`, contactID)
	if err != nil {
		return nil, fmt.Errorf("store: wecom identities: %w", err)
	}
	defer rows.Close()
	var out []WeComIdentity
	for rows.Next() {
		var ext, member string
		if err := rows.Scan(&ext, &member); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].External != ext {
			out = append(out, WeComIdentity{External: ext})
		}
		if member != "" {
			last := &out[len(out)-1]
			last.Followers = append(last.Followers, member)
		}
	}
	return out, rows.Err()
}
