package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"touchbase/internal/model"
)

const smsTemplateColumns = `id, provider, code, name, kind, content, state, review_note, origin, sign_name, variables, synced_at, updated_at`

func scanSMSTemplate(row interface{ Scan(...any) error }) (*model.SMSTemplate, error) {
	var t model.SMSTemplate
	var vars string
	var synced sql.NullTime
	if err := row.Scan(&t.ID, &t.Provider, &t.Code, &t.Name, &t.Kind, &t.Content, &t.State, &t.ReviewNote,
		&t.Origin, &t.SignName, &vars, &synced, &t.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(vars), &t.Variables); err != nil {
		return nil, fmt.Errorf("template %d variables: %w", t.ID, err)
	}
	if t.Variables == nil {
		t.Variables = map[string]model.VarSource{}
	}
	if synced.Valid {
		at := synced.Time
		t.SyncedAt = &at
	}
	return &t, nil
}

func variablesJSON(v map[string]model.VarSource) string {
	if len(v) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(v) // a map of plain strings always encodes
	return string(b)
}

// SMSTemplates lists the templates of provider (every provider when
// empty), approved ones first, then by code.
func (s *Store) SMSTemplates(ctx context.Context, provider string) ([]*model.SMSTemplate, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+smsTemplateColumns+` FROM sms_templates
		WHERE $1 = '' OR provider = $1 ORDER BY CASE state WHEN 'approved' THEN 0 ELSE 1 END, provider, code`, provider)
	if err != nil {
		return nil, fmt.Errorf("store: list sms templates: %w", err)
	}
	defer rows.Close()
	var out []*model.SMSTemplate
	for rows.Next() {
		t, err := scanSMSTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list sms templates: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SMSTemplate returns one template.
func (s *Store) SMSTemplate(ctx context.Context, id int64) (*model.SMSTemplate, error) {
	t, err := scanSMSTemplate(s.r.QueryRowContext(ctx, `SELECT `+smsTemplateColumns+` FROM sms_templates WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, model.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: sms template %d: %w", id, err)
	}
	return t, nil
}

// CreateSMSTemplate inserts a template entered by hand.
func (s *Store) CreateSMSTemplate(ctx context.Context, t *model.SMSTemplate) error {
	at := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO sms_templates (provider, code, name, kind, content, state, review_note,
		origin, sign_name, variables, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10) RETURNING id`,
		t.Provider, t.Code, t.Name, t.Kind, t.Content, t.State, model.OriginManual, t.SignName, variablesJSON(t.Variables), at).Scan(&t.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("code", "taken", "this provider already has a template with this code"))
	}
	if err != nil {
		return fmt.Errorf("store: create sms template: %w", err)
	}
	t.Origin, t.UpdatedAt = model.OriginManual, at
	return nil
}

// UpdateSMSTemplate saves what an admin may change of t: name, kind,
// signature and variable mapping, and for a template entered by hand its
// content and state too (a synced one takes those from the provider).
func (s *Store) UpdateSMSTemplate(ctx context.Context, t *model.SMSTemplate) error {
	at := now()
	res, err := s.w.ExecContext(ctx, `UPDATE sms_templates SET name = $1, kind = $2, sign_name = $3, variables = $4,
		content = CASE WHEN origin = 'manual' THEN $5 ELSE content END,
		state = CASE WHEN origin = 'manual' THEN $6 ELSE state END, updated_at = $7 WHERE id = $8`,
		t.Name, t.Kind, t.SignName, variablesJSON(t.Variables), t.Content, t.State, at, t.ID)
	if err != nil {
		return fmt.Errorf("store: update sms template: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	t.UpdatedAt = at
	return nil
}

// DeleteSMSTemplate removes a template no bulk send names.
func (s *Store) DeleteSMSTemplate(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sms_templates WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM bulk_sends WHERE sms_template_id = $1)`, id)
	if err != nil {
		return fmt.Errorf("store: delete sms template: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.SMSTemplate(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("id", "in_use", "bulk sends use this template; it can no longer be deleted"))
	}
	return nil
}

// SyncCounts says what one sync changed.
type SyncCounts struct {
	Added, Updated, Withdrawn int
}

// SyncSMSTemplates stores the templates provider lists: new ones are
// added, known ones take the provider's name, content, state and review
// note (and kind, where the provider gives one: an empty Kind keeps ours;
// a new template without one is a notice), and synced ones it no longer
// lists are withdrawn. What admins set — signature, variable mapping —
// stays.
func (s *Store) SyncSMSTemplates(ctx context.Context, provider string, listed []model.SMSTemplate, at time.Time) (SyncCounts, error) {
	var c SyncCounts
	at = dbTime(at)
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		known := map[string]*model.SMSTemplate{}
		rows, err := tx.QueryContext(ctx, `SELECT `+smsTemplateColumns+` FROM sms_templates WHERE provider = $1`, provider)
		if err != nil {
			return err
		}
		for rows.Next() {
			t, err := scanSMSTemplate(rows)
			if err != nil {
				rows.Close()
				return err
			}
			known[t.Code] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, l := range listed {
			seen[l.Code] = true
			old := known[l.Code]
			if old == nil {
				kind := l.Kind
				if kind == "" {
					kind = model.TemplateNotice
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO sms_templates (provider, code, name, kind, content, state,
					review_note, origin, synced_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
					provider, l.Code, l.Name, kind, l.Content, l.State, l.ReviewNote, model.OriginSynced, at); err != nil {
					return err
				}
				c.Added++
				continue
			}
			kind := old.Kind
			if l.Kind != "" {
				kind = l.Kind
			}
			changed := old.Name != l.Name || old.Content != l.Content || old.State != l.State ||
				old.ReviewNote != l.ReviewNote || old.Kind != kind || old.Origin != model.OriginSynced
			if _, err := tx.ExecContext(ctx, `UPDATE sms_templates SET name = $1, content = $2, state = $3, review_note = $4,
				kind = $5, origin = $6, synced_at = $7, updated_at = CASE WHEN $8 THEN $7 ELSE updated_at END WHERE id = $9`,
				l.Name, l.Content, l.State, l.ReviewNote, kind, model.OriginSynced, at, changed, old.ID); err != nil {
				return err
			}
			if changed {
				c.Updated++
			}
		}
		for code, old := range known {
			if seen[code] || old.Origin != model.OriginSynced || old.State == model.ReviewWithdrawn {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sms_templates SET state = $1, synced_at = $2, updated_at = $2 WHERE id = $3`,
				model.ReviewWithdrawn, at, old.ID); err != nil {
				return err
			}
			c.Withdrawn++
		}
		return nil
	})
	if err != nil {
		return SyncCounts{}, fmt.Errorf("store: sync sms templates: %w", err)
	}
	return c, nil
}
