package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

const contactColumns = `ct.id, ct.customer_id, c.name, ct.name, ct.title, ct.mobile, ct.email, ct.wecom_id,
	ct.opt_out_sms, ct.opt_out_email, ct.opt_out_wecom, ct.opt_out_call, ct.opt_out_sms_at, ct.opt_out_sms_source,
	ct.opt_out_email_at, ct.opt_out_email_source, ct.is_primary, ct.created_at, ct.updated_at`

const contactFrom = ` FROM contacts ct JOIN customers c ON c.id = ct.customer_id`

func scanContact(row interface{ Scan(...any) error }) (*model.Contact, error) {
	var ct model.Contact
	var smsAt, emailAt sql.NullTime
	err := row.Scan(&ct.ID, &ct.CustomerID, &ct.CustomerName, &ct.Name, &ct.Title, &ct.Mobile, &ct.Email, &ct.WeComID,
		&ct.OptOutSMS, &ct.OptOutEmail, &ct.OptOutWeCom, &ct.OptOutCall, &smsAt, &ct.OptOutSMSSource, &emailAt,
		&ct.OptOutEmailSource, &ct.Primary, &ct.CreatedAt, &ct.UpdatedAt)
	if err != nil {
		return nil, err
	}
	ct.OptOutSMSAt, ct.OptOutEmailAt = timePtr(smsAt), timePtr(emailAt)
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
	by := optOutBy(ct)
	smsAt, smsBy := optOutStamp(ct.OptOutSMS, t, by)
	emailAt, emailBy := optOutStamp(ct.OptOutEmail, t, by)
	err := db.QueryRowContext(ctx, `INSERT INTO contacts (customer_id, name, title, mobile, email, wecom_id,
		opt_out_sms, opt_out_email, opt_out_wecom, opt_out_call, is_primary, created_at, updated_at,
		opt_out_sms_at, opt_out_sms_source, opt_out_email_at, opt_out_email_source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16) RETURNING id`,
		ct.CustomerID, ct.Name, ct.Title, ct.Mobile, ct.Email, ct.WeComID, ct.OptOutSMS, ct.OptOutEmail,
		ct.OptOutWeCom, ct.OptOutCall, ct.Primary, t, smsAt, smsBy, emailAt, emailBy).Scan(&ct.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("customer_id", "not_found", "customer does not exist")
		}
		return fmt.Errorf("store: create contact: %w", err)
	}
	ct.CreatedAt, ct.UpdatedAt = t, t
	ct.OptOutSMSAt, ct.OptOutSMSSource = timePtr(smsAt), smsBy
	ct.OptOutEmailAt, ct.OptOutEmailSource = timePtr(emailAt), emailBy
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
	// An opt-out turned on now is stamped with t and ct's source; one
	// already on keeps its stamp; one turned off loses it.
	var smsAt, emailAt sql.NullTime
	err := db.QueryRowContext(ctx, `UPDATE contacts SET name = $1, title = $2, mobile = $3, email = $4, wecom_id = $5,
		opt_out_sms_at = CASE WHEN NOT $6 THEN NULL WHEN opt_out_sms THEN opt_out_sms_at ELSE $11 END,
		opt_out_sms_source = CASE WHEN NOT $6 THEN '' WHEN opt_out_sms THEN opt_out_sms_source ELSE $14 END,
		opt_out_email_at = CASE WHEN NOT $7 THEN NULL WHEN opt_out_email THEN opt_out_email_at ELSE $11 END,
		opt_out_email_source = CASE WHEN NOT $7 THEN '' WHEN opt_out_email THEN opt_out_email_source ELSE $14 END,
		opt_out_sms = $6, opt_out_email = $7, opt_out_wecom = $8, opt_out_call = $9, is_primary = $10, updated_at = $11
		WHERE id = $12 AND customer_id = $13
		RETURNING opt_out_sms_at, opt_out_sms_source, opt_out_email_at, opt_out_email_source`,
		ct.Name, ct.Title, ct.Mobile, ct.Email, ct.WeComID, ct.OptOutSMS, ct.OptOutEmail, ct.OptOutWeCom, ct.OptOutCall,
		ct.Primary, t, ct.ID, ct.CustomerID, optOutBy(ct)).Scan(&smsAt, &ct.OptOutSMSSource, &emailAt, &ct.OptOutEmailSource)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return model.ErrNotFound
		}
		return fmt.Errorf("store: update contact: %w", err)
	}
	ct.OptOutSMSAt, ct.OptOutEmailAt = timePtr(smsAt), timePtr(emailAt)
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
