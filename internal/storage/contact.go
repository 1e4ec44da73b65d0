package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

const contactColumns = `ct.id, ct.customer_id, c.name, ct.name, ct.title, ct.mobile, ct.email, ct.wecom_id,
	ct.opt_out_sms, ct.opt_out_email, ct.opt_out_wecom, ct.opt_out_call, ct.is_primary, ct.created_at, ct.updated_at`

const contactFrom = ` FROM contacts ct JOIN customers c ON c.id = ct.customer_id`

func scanContact(row interface{ Scan(...any) error }) (*model.Contact, error) {
	var ct model.Contact
	err := row.Scan(&ct.ID, &ct.CustomerID, &ct.CustomerName, &ct.Name, &ct.Title, &ct.Mobile, &ct.Email, &ct.WeComID,
		&ct.OptOutSMS, &ct.OptOutEmail, &ct.OptOutWeCom, &ct.OptOutCall, &ct.Primary, &ct.CreatedAt, &ct.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &ct, nil
}

// CreateContact inserts ct. When ct is primary, other contacts of the
// customer stop being primary.
func (s *Store) CreateContact(ctx context.Context, ct *model.Contact) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return s.createContact(ctx, tx, ct) })
}

func (s *Store) createContact(ctx context.Context, db querier, ct *model.Contact) error {
	t := now()
	if ct.Primary {
		if _, err := db.ExecContext(ctx, `UPDATE contacts SET is_primary = FALSE WHERE customer_id = $1 AND is_primary = TRUE`,
			ct.CustomerID); err != nil {
			return fmt.Errorf("store: create contact: %w", err)
		}
	}
	err := db.QueryRowContext(ctx, `INSERT INTO contacts (customer_id, name, title, mobile, email, wecom_id,
		opt_out_sms, opt_out_email, opt_out_wecom, opt_out_call, is_primary, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		ct.CustomerID, ct.Name, ct.Title, ct.Mobile, ct.Email, ct.WeComID, ct.OptOutSMS, ct.OptOutEmail,
		ct.OptOutWeCom, ct.OptOutCall, ct.Primary, t).Scan(&ct.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("customer_id", "not_found", "customer does not exist")
		}
		return fmt.Errorf("store: create contact: %w", err)
	}
	ct.CreatedAt, ct.UpdatedAt = t, t
	return nil
}

// UpdateContact saves every editable field of ct (not its customer).
func (s *Store) UpdateContact(ctx context.Context, ct *model.Contact) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return s.updateContact(ctx, tx, ct) })
}

func (s *Store) updateContact(ctx context.Context, db querier, ct *model.Contact) error {
	t := now()
	if ct.Primary {
		if _, err := db.ExecContext(ctx, `UPDATE contacts SET is_primary = FALSE WHERE customer_id = $1 AND id <> $2 AND is_primary = TRUE`,
			ct.CustomerID, ct.ID); err != nil {
			return fmt.Errorf("store: update contact: %w", err)
		}
	}
	res, err := db.ExecContext(ctx, `UPDATE contacts SET name = $1, title = $2, mobile = $3, email = $4, wecom_id = $5,
		opt_out_sms = $6, opt_out_email = $7, opt_out_wecom = $8, opt_out_call = $9, is_primary = $10, updated_at = $11
		WHERE id = $12 AND customer_id = $13`,
		ct.Name, ct.Title, ct.Mobile, ct.Email, ct.WeComID, ct.OptOutSMS, ct.OptOutEmail, ct.OptOutWeCom, ct.OptOutCall,
		ct.Primary, t, ct.ID, ct.CustomerID)
	if err != nil {
		return fmt.Errorf("store: update contact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	ct.UpdatedAt = t
	return nil
}

// DeleteContact removes a contact.
func (s *Store) DeleteContact(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete contact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// ContactByID returns a contact if the policy lets the user see its
// customer, else model.ErrNotFound.
func (s *Store) ContactByID(ctx context.Context, p permission.Policy, id int64) (*model.Contact, error) {
	var q Query
	q.Add(`SELECT `, contactColumns, contactFrom, ` WHERE ct.id = `, q.Arg(id), ` AND `, p.SeeSQL("c", q.Arg))
	ct, err := scanContact(s.r.QueryRowContext(ctx, q.SQL(), q.Args()...))
	if err != nil {
		return nil, notFound(err)
	}
	return ct, nil
}

// ContactFilter narrows ListContacts.
type ContactFilter struct {
	CustomerID int64
	Query      string // name, mobile or email contains
	Limit      int
	Offset     int
}

// ListContacts returns contacts of customers the policy lets the user see,
// primary first, then by name.
func (s *Store) ListContacts(ctx context.Context, p permission.Policy, f ContactFilter) ([]*model.Contact, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var q Query
	q.Add(`SELECT `, contactColumns, contactFrom, ` WHERE `, p.SeeSQL("c", q.Arg))
	if f.CustomerID != 0 {
		q.Add(` AND ct.customer_id = `, q.Arg(f.CustomerID))
	}
	if f.Query != "" {
		pat := q.Arg(likePattern(f.Query))
		q.Add(` AND (lower(ct.name) LIKE `, pat, ` ESCAPE '\' OR ct.mobile LIKE `, pat, ` ESCAPE '\' OR lower(ct.email) LIKE `, pat, ` ESCAPE '\')`)
	}
	q.Add(` ORDER BY ct.customer_id, ct.is_primary DESC, ct.name, ct.id LIMIT `, q.Arg(f.Limit), ` OFFSET `, q.Arg(f.Offset))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: list contacts: %w", err)
	}
	defer rows.Close()
	var out []*model.Contact
	for rows.Next() {
		ct, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list contacts: %w", err)
		}
		out = append(out, ct)
	}
	return out, rows.Err()
}
