package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ImportCustomer is the customer part of one imported row. A nil field
// keeps the stored value on update and takes the column default on create.
type ImportCustomer struct {
	Code         string
	Name         *string
	Level        *string
	Industry     *string
	Address      *string
	Notes        *string
	RepID        *int64
	DoNotContact *bool
}

// ImportContact is the contact part of one imported row. A nil field keeps
// the stored value on update and takes the column default on create.
type ImportContact struct {
	Name        *string
	Title       *string
	Mobile      *string
	Email       *string
	WeComID     *string
	OptOutSMS   *bool
	OptOutEmail *bool
	Primary     *bool
}

// ContactKey is what an import matches an existing contact on.
type ContactKey struct {
	ID         int64
	CustomerID int64
	Name       string
	Mobile     string
	Email      string
}

// CustomerCodes returns the id of every customer that has a code, by code.
func (s *Store) CustomerCodes(ctx context.Context) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, id FROM customers WHERE code IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: customer codes: %w", err)
	}
	defer rows.Close()
	m := make(map[string]int64)
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, fmt.Errorf("store: customer codes: %w", err)
		}
		m[code] = id
	}
	return m, rows.Err()
}

// UserIDsByUsername returns the id of every user, by username.
func (s *Store) UserIDsByUsername(ctx context.Context) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT username, id FROM users`)
	if err != nil {
		return nil, fmt.Errorf("store: usernames: %w", err)
	}
	defer rows.Close()
	m := make(map[string]int64)
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, fmt.Errorf("store: usernames: %w", err)
		}
		m[name] = id
	}
	return m, rows.Err()
}

// ContactKeys returns the match keys of the contacts of the given
// customers, ordered by id.
func (s *Store) ContactKeys(ctx context.Context, customerIDs []int64) ([]ContactKey, error) {
	return contactKeys(ctx, s.r, customerIDs)
}

// keysChunk bounds the placeholders of one IN list.
const keysChunk = 500

func contactKeys(ctx context.Context, db querier, customerIDs []int64) ([]ContactKey, error) {
	var out []ContactKey
	for start := 0; start < len(customerIDs); start += keysChunk {
		part := customerIDs[start:min(start+keysChunk, len(customerIDs))]
		var q Query
		ph := make([]string, len(part))
		for i, id := range part {
			ph[i] = q.Arg(id)
		}
		q.Add(`SELECT id, customer_id, name, mobile, email FROM contacts WHERE customer_id IN (`,
			strings.Join(ph, ", "), `) ORDER BY id`)
		rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return nil, fmt.Errorf("store: contact keys: %w", err)
		}
		for rows.Next() {
			var k ContactKey
			if err := rows.Scan(&k.ID, &k.CustomerID, &k.Name, &k.Mobile, &k.Email); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: contact keys: %w", err)
			}
			out = append(out, k)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: contact keys: %w", err)
		}
	}
	return out, nil
}

// ImportTx writes one batch of an import in a single transaction, through
// statements prepared once per batch.
type ImportTx struct {
	tx           *sql.Tx
	insCustomer  *sql.Stmt
	updCustomer  *sql.Stmt
	insContact   *sql.Stmt
	updContact   *sql.Stmt
	clearPrimary *sql.Stmt
}

var importStatements = []string{
	`INSERT INTO customers (code, name, level, industry, address, notes, rep_id, do_not_contact, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
	`UPDATE customers SET name = COALESCE($1, name), level = COALESCE($2, level), industry = COALESCE($3, industry),
		address = COALESCE($4, address), notes = COALESCE($5, notes), rep_id = COALESCE($6, rep_id),
		do_not_contact = COALESCE($7, do_not_contact), updated_at = $8 WHERE id = $9`,
	`INSERT INTO contacts (customer_id, name, title, mobile, email, wecom_id, opt_out_sms, opt_out_email, is_primary,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
	`UPDATE contacts SET name = COALESCE($1, name), title = COALESCE($2, title), mobile = COALESCE($3, mobile),
		email = COALESCE($4, email), wecom_id = COALESCE($5, wecom_id), opt_out_sms = COALESCE($6, opt_out_sms),
		opt_out_email = COALESCE($7, opt_out_email), is_primary = COALESCE($8, is_primary), updated_at = $9
		WHERE id = $10 AND customer_id = $11`,
	`UPDATE contacts SET is_primary = FALSE WHERE customer_id = $1 AND id <> $2 AND is_primary = TRUE`,
}

// InImportTx runs fn with an ImportTx whose writes commit together when fn
// returns nil and are rolled back otherwise.
func (s *Store) InImportTx(ctx context.Context, fn func(tx *ImportTx) error) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		it := &ImportTx{tx: tx}
		dst := []**sql.Stmt{&it.insCustomer, &it.updCustomer, &it.insContact, &it.updContact, &it.clearPrimary}
		for i, q := range importStatements {
			st, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("store: prepare import: %w", err)
			}
			defer st.Close()
			*dst[i] = st
		}
		return fn(it)
	})
}

// ContactKeys returns the match keys of the contacts of the given
// customers, as this transaction sees them.
func (t *ImportTx) ContactKeys(ctx context.Context, customerIDs []int64) ([]ContactKey, error) {
	return contactKeys(ctx, t.tx, customerIDs)
}

// CreateCustomer inserts a customer and returns its id. c.Name must be set.
func (t *ImportTx) CreateCustomer(ctx context.Context, c *ImportCustomer) (int64, error) {
	if c.Name == nil {
		return 0, errors.New("store: import customer without a name")
	}
	var id int64
	err := t.insCustomer.QueryRowContext(ctx, nullString(c.Code), *c.Name, deref(c.Level), deref(c.Industry),
		deref(c.Address), deref(c.Notes), nullInt(c.RepID), c.DoNotContact != nil && *c.DoNotContact, now()).Scan(&id)
	if err != nil {
		return 0, customerWriteError(err)
	}
	return id, nil
}

// UpdateCustomer saves the non-nil fields of c on customer id.
func (t *ImportTx) UpdateCustomer(ctx context.Context, id int64, c *ImportCustomer) error {
	res, err := t.updCustomer.ExecContext(ctx, optString(c.Name), optString(c.Level), optString(c.Industry),
		optString(c.Address), optString(c.Notes), nullInt(c.RepID), optBool(c.DoNotContact), now(), id)
	if err != nil {
		return customerWriteError(err)
	}
	return affectedOne(res)
}

// CreateContact inserts a contact of customer customerID and returns its
// id. ct.Name must be set. A primary contact makes the others non-primary.
func (t *ImportTx) CreateContact(ctx context.Context, customerID int64, ct *ImportContact) (int64, error) {
	if ct.Name == nil {
		return 0, errors.New("store: import contact without a name")
	}
	var id int64
	err := t.insContact.QueryRowContext(ctx, customerID, *ct.Name, deref(ct.Title), deref(ct.Mobile), deref(ct.Email),
		deref(ct.WeComID), isTrue(ct.OptOutSMS), isTrue(ct.OptOutEmail), isTrue(ct.Primary), now()).Scan(&id)
	if err != nil {
		if isForeignKeyViolation(err) {
			return 0, fmt.Errorf("store: import contact: customer %d does not exist", customerID)
		}
		return 0, fmt.Errorf("store: import contact: %w", err)
	}
	return id, t.makePrimary(ctx, customerID, id, ct.Primary)
}

// UpdateContact saves the non-nil fields of ct on contact id of customer
// customerID. A primary contact makes the others non-primary.
func (t *ImportTx) UpdateContact(ctx context.Context, customerID, id int64, ct *ImportContact) error {
	res, err := t.updContact.ExecContext(ctx, optString(ct.Name), optString(ct.Title), optString(ct.Mobile),
		optString(ct.Email), optString(ct.WeComID), optBool(ct.OptOutSMS), optBool(ct.OptOutEmail),
		optBool(ct.Primary), now(), id, customerID)
	if err != nil {
		return fmt.Errorf("store: import contact: %w", err)
	}
	if err := affectedOne(res); err != nil {
		return err
	}
	return t.makePrimary(ctx, customerID, id, ct.Primary)
}

func (t *ImportTx) makePrimary(ctx context.Context, customerID, id int64, primary *bool) error {
	if !isTrue(primary) {
		return nil
	}
	if _, err := t.clearPrimary.ExecContext(ctx, customerID, id); err != nil {
		return fmt.Errorf("store: import contact: %w", err)
	}
	return nil
}

func affectedOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: import: %w", errNotUpdated)
	}
	return nil
}

var errNotUpdated = errors.New("row to update was deleted meanwhile")

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func isTrue(p *bool) bool { return p != nil && *p }

func optString(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

func optBool(p *bool) sql.NullBool {
	if p == nil {
		return sql.NullBool{}
	}
	return sql.NullBool{Bool: *p, Valid: true}
}
