package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// SMSSignatures lists the signatures of provider (every provider when
// empty), approved ones first, then by name.
func (s *Store) SMSSignatures(ctx context.Context, provider string) ([]*model.SMSSignature, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, provider, name, state, review_note, origin, synced_at, updated_at
		FROM sms_signatures WHERE $1 = '' OR provider = $1
		ORDER BY CASE state WHEN 'approved' THEN 0 ELSE 1 END, provider, name`, provider)
	if err != nil {
		return nil, fmt.Errorf("store: list sms signatures: %w", err)
	}
	defer rows.Close()
	var out []*model.SMSSignature
	for rows.Next() {
		var g model.SMSSignature
		var synced sql.NullTime
		if err := rows.Scan(&g.ID, &g.Provider, &g.Name, &g.State, &g.ReviewNote, &g.Origin, &synced, &g.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: list sms signatures: %w", err)
		}
		if synced.Valid {
			at := synced.Time
			g.SyncedAt = &at
		}
		out = append(out, &g)
	}
	return out, rows.Err()
}

// SaveSMSSignature adds a signature entered by hand, or changes the state
// of one of that name.
func (s *Store) SaveSMSSignature(ctx context.Context, g *model.SMSSignature) error {
	at := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO sms_signatures (provider, name, state, origin, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
		RETURNING id, origin`, g.Provider, g.Name, g.State, model.OriginManual, at).Scan(&g.ID, &g.Origin)
	if err != nil {
		return fmt.Errorf("store: save sms signature: %w", err)
	}
	g.UpdatedAt = at
	return nil
}

// SyncSMSSignatures stores the signatures provider lists, as
// SyncSMSTemplates does templates.
func (s *Store) SyncSMSSignatures(ctx context.Context, provider string, listed []model.SMSSignature, at time.Time) (SyncCounts, error) {
	var c SyncCounts
	at = dbTime(at)
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		type row struct {
			id                  int64
			state, note, origin string
		}
		known := map[string]row{}
		rows, err := tx.QueryContext(ctx, `SELECT id, name, state, review_note, origin FROM sms_signatures WHERE provider = $1`, provider)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r row
			var name string
			if err := rows.Scan(&r.id, &name, &r.state, &r.note, &r.origin); err != nil {
				rows.Close()
				return err
			}
			known[name] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, l := range listed {
			seen[l.Name] = true
			old, ok := known[l.Name]
			if !ok {
				if _, err := tx.ExecContext(ctx, `INSERT INTO sms_signatures (provider, name, state, review_note, origin, synced_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $6)`, provider, l.Name, l.State, l.ReviewNote, model.OriginSynced, at); err != nil {
					return err
				}
				c.Added++
				continue
			}
			changed := old.state != l.State || old.note != l.ReviewNote || old.origin != model.OriginSynced
			if _, err := tx.ExecContext(ctx, `UPDATE sms_signatures SET state = $1, review_note = $2, origin = $3, synced_at = $4,
				updated_at = CASE WHEN $5 THEN $4 ELSE updated_at END WHERE id = $6`,
				l.State, l.ReviewNote, model.OriginSynced, at, changed, old.id); err != nil {
				return err
			}
			if changed {
				c.Updated++
			}
		}
		for name, old := range known {
			if seen[name] || old.origin != model.OriginSynced || old.state == model.ReviewWithdrawn {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sms_signatures SET state = $1, synced_at = $2, updated_at = $2 WHERE id = $3`,
				model.ReviewWithdrawn, at, old.id); err != nil {
				return err
			}
			c.Withdrawn++
		}
		return nil
	})
	if err != nil {
		return SyncCounts{}, fmt.Errorf("store: sync sms signatures: %w", err)
	}
	return c, nil
}
