package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
)

// ImportCustomer is a customer written by an import. A nil field keeps the
// stored value on update and takes the column default on create.
type ImportCustomer struct {
	ID           int64 // set by CreateCustomers; required by UpdateCustomers
	Code         string
	Name         *string
	Level        *string
	Industry     *string
	Address      *string
	Notes        *string
	RepID        *int64
	DoNotContact *bool
}

// ImportContact is a contact written by an import. A nil field keeps the
// stored value on update and takes the column default on create.
type ImportContact struct {
	ID          int64 // set by CreateContacts; required by UpdateContacts
	CustomerID  int64
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
	return contactKeys(ctx, s.r, s.dialect, customerIDs)
}

// inChunk bounds the placeholders of one IN list.
const inChunk = 500

func contactKeys(ctx context.Context, db querier, dialect Dialect, customerIDs []int64) ([]ContactKey, error) {
	var out []ContactKey
	for part := range chunks(customerIDs, inChunk) {
		q := `SELECT id, customer_id, name, mobile, email FROM contacts WHERE customer_id IN ` +
			placeholders(dialect, 1, len(part), 1, nil) + ` ORDER BY id`
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := db.QueryContext(ctx, q, args...)
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

// Rows per multi-row statement: well under both dialects' limits on
// placeholders (SQLite 32,766, PostgreSQL 65,535).
const importChunk = 200

// The statements of an import, as functions of their row count. Each
// placeholder has an argument of its own, in order.
func insertCustomersSQL(d Dialect, n int) string {
	return `INSERT INTO customers (code, name, level, industry, address, notes, rep_id, do_not_contact,
		created_at, updated_at) VALUES ` + placeholders(d, 1, 10, n, nil) + ` RETURNING id, code`
}

func updateCustomersSQL(d Dialect, n int) string {
	return `UPDATE customers SET name = COALESCE(v.column2, customers.name),
		level = COALESCE(v.column3, customers.level), industry = COALESCE(v.column4, customers.industry),
		address = COALESCE(v.column5, customers.address), notes = COALESCE(v.column6, customers.notes),
		rep_id = COALESCE(v.column7, customers.rep_id),
		do_not_contact = COALESCE(v.column8, customers.do_not_contact), updated_at = ` + placeholder(d, 1) + `
		FROM (VALUES ` + placeholders(d, 2, 8, n, []string{"BIGINT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT",
		"BIGINT", "BOOLEAN"}) + `) AS v WHERE customers.id = v.column1`
}

func insertContactsSQL(d Dialect, n int) string {
	return `INSERT INTO contacts (customer_id, name, title, mobile, email, wecom_id, opt_out_sms, opt_out_email,
		is_primary, created_at, updated_at, opt_out_sms_at, opt_out_sms_source, opt_out_email_at, opt_out_email_source)
		VALUES ` + placeholders(d, 1, 15, n, nil) +
		` RETURNING id, customer_id, name, title, mobile, email, wecom_id, opt_out_sms, opt_out_email, is_primary`
}

func updateContactsSQL(d Dialect, n int) string {
	// The stamps of opt-outs turned on take the time of the first
	// placeholder again: after "updated_at = ?" on SQLite, "?1" names it
	// and the VALUES placeholders still count on from 2.
	at := "$1"
	if d == SQLite {
		at = "?1"
	}
	stamp := func(flag, column string) string {
		turnedOff := `NOT COALESCE(v.` + column + `, contacts.` + flag + `)`
		return flag + `_at = CASE WHEN ` + turnedOff + ` THEN NULL WHEN contacts.` + flag + ` THEN contacts.` + flag + `_at ELSE ` + at + ` END, ` +
			flag + `_source = CASE WHEN ` + turnedOff + ` THEN '' WHEN contacts.` + flag + ` THEN contacts.` + flag + `_source ELSE '` +
			model.OptOutByImport + `' END`
	}
	return `UPDATE contacts SET name = COALESCE(v.column3, contacts.name),
		title = COALESCE(v.column4, contacts.title), mobile = COALESCE(v.column5, contacts.mobile),
		email = COALESCE(v.column6, contacts.email), wecom_id = COALESCE(v.column7, contacts.wecom_id),
		opt_out_sms = COALESCE(v.column8, contacts.opt_out_sms),
		opt_out_email = COALESCE(v.column9, contacts.opt_out_email),
		is_primary = COALESCE(v.column10, contacts.is_primary), updated_at = ` + placeholder(d, 1) + `,
		` + stamp("opt_out_sms", "column8") + `, ` + stamp("opt_out_email", "column9") + `
		FROM (VALUES ` + placeholders(d, 2, 10, n, []string{"BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT",
		"TEXT", "BOOLEAN", "BOOLEAN", "BOOLEAN"}) +
		`) AS v WHERE contacts.id = v.column1 AND contacts.customer_id = v.column2`
}

// keepPrimarySQL clears the primary flag of the contacts of n customers
// but n kept ones. A contact of customer i other than the one kept for it
// is in no other customer's keep list, so the two IN lists can stay apart.
func keepPrimarySQL(d Dialect, n int) string {
	return `UPDATE contacts SET is_primary = FALSE WHERE is_primary = TRUE AND customer_id IN ` +
		placeholders(d, 1, n, 1, nil) + ` AND id NOT IN ` + placeholders(d, n+1, n, 1, nil)
}

// placeholders renders rows of cols placeholders, "(?, ?), (?, ?)",
// numbered from first: plain "?" on SQLite, whose driver looks numbered
// ones up one by one (slow with thousands), "$1…" on PostgreSQL. casts,
// when given, wraps each column's placeholder in CAST(… AS type), so that
// PostgreSQL knows the types of a VALUES list whose first row has NULLs.
func placeholders(d Dialect, first, cols, rows int, casts []string) string {
	var b strings.Builder
	n := first
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			ph := placeholder(d, n)
			n++
			if casts != nil && casts[c] != "" {
				ph = "CAST(" + ph + " AS " + casts[c] + ")"
			}
			b.WriteString(ph)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// placeholder returns the n-th placeholder of a statement.
func placeholder(d Dialect, n int) string {
	if d == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// ImportWriter writes the batches of one import, each in a transaction,
// with multi-row statements prepared once for the whole import.
type ImportWriter struct {
	s     *Store
	stmts map[string]*sql.Stmt // full-size statements, prepared on the pool
}

// NewImportWriter prepares the statements of an import. Close it when done.
func (s *Store) NewImportWriter(ctx context.Context) (*ImportWriter, error) {
	w := &ImportWriter{s: s, stmts: make(map[string]*sql.Stmt)}
	for _, build := range []func(Dialect, int) string{insertCustomersSQL, updateCustomersSQL, insertContactsSQL,
		updateContactsSQL} {
		if err := w.prepare(ctx, build(s.dialect, importChunk)); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := w.prepare(ctx, keepPrimarySQL(s.dialect, inChunk)); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *ImportWriter) prepare(ctx context.Context, q string) error {
	st, err := w.s.w.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("store: prepare import: %w", err)
	}
	w.stmts[q] = st
	return nil
}

// Close releases the prepared statements.
func (w *ImportWriter) Close() error {
	var err error
	for _, st := range w.stmts {
		err = errors.Join(err, st.Close())
	}
	return err
}

// InTx runs fn with an ImportTx whose writes commit together when fn
// returns nil and are rolled back otherwise.
func (w *ImportWriter) InTx(ctx context.Context, fn func(tx *ImportTx) error) error {
	return w.s.InTx(ctx, func(tx *sql.Tx) error {
		it := &ImportTx{w: w, tx: tx, now: now()}
		defer it.close()
		return fn(it)
	})
}

// ImportTx is one transaction of an import.
type ImportTx struct {
	w     *ImportWriter
	tx    *sql.Tx
	now   time.Time
	stmts []*sql.Stmt // to close with the transaction
}

func (t *ImportTx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}

// stmt returns q ready to run in the transaction: a full-size statement
// prepared for the import, or a smaller one prepared now.
func (t *ImportTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	var st *sql.Stmt
	var err error
	if prepared, ok := t.w.stmts[q]; ok {
		st = t.tx.StmtContext(ctx, prepared)
	} else if st, err = t.tx.PrepareContext(ctx, q); err != nil {
		return nil, fmt.Errorf("store: prepare import: %w", err)
	}
	t.stmts = append(t.stmts, st)
	return st, nil
}

// ContactKeys returns the match keys of the contacts of the given
// customers, as this transaction sees them.
func (t *ImportTx) ContactKeys(ctx context.Context, customerIDs []int64) ([]ContactKey, error) {
	return contactKeys(ctx, t.tx, t.w.s.dialect, customerIDs)
}

// CreateCustomers inserts customers, each with a name and a distinct code,
// and sets their IDs.
func (t *ImportTx) CreateCustomers(ctx context.Context, cs []*ImportCustomer) error {
	for part := range chunks(cs, importChunk) {
		args := make([]any, 0, 10*len(part))
		byCode := make(map[string]*ImportCustomer, len(part))
		for _, c := range part {
			if c.Name == nil {
				return errors.New("store: import customer without a name")
			}
			byCode[c.Code] = c
			args = append(args, nullString(c.Code), *c.Name, deref(c.Level), deref(c.Industry), deref(c.Address),
				deref(c.Notes), nullInt(c.RepID), isTrue(c.DoNotContact), t.now, t.now)
		}
		err := t.query(ctx, insertCustomersSQL(t.w.s.dialect, len(part)), args, func(rows *sql.Rows) error {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				return err
			}
			if c := byCode[code]; c != nil {
				c.ID = id
			}
			return nil
		})
		if err != nil {
			return customerWriteError(err)
		}
		for _, c := range part {
			if c.ID == 0 {
				return fmt.Errorf("store: import customer %q: no id returned", c.Code)
			}
		}
	}
	return nil
}

// UpdateCustomers saves the non-nil fields of each customer.
func (t *ImportTx) UpdateCustomers(ctx context.Context, cs []*ImportCustomer) error {
	for part := range chunks(cs, importChunk) {
		args := make([]any, 1, 1+8*len(part))
		args[0] = t.now
		for _, c := range part {
			args = append(args, c.ID, optString(c.Name), optString(c.Level), optString(c.Industry),
				optString(c.Address), optString(c.Notes), nullInt(c.RepID), optBool(c.DoNotContact))
		}
		if err := t.exec(ctx, updateCustomersSQL(t.w.s.dialect, len(part)), args, len(part)); err != nil {
			return customerWriteError(err)
		}
	}
	return nil
}

// contactRow is everything a created contact returns, to tell which input
// it was without relying on the order of RETURNING rows.
type contactRow struct {
	customerID                          int64
	name, title, mobile, email, wecomID string
	optOutSMS, optOutEmail, primary     bool
}

func (ct *ImportContact) row() contactRow {
	return contactRow{ct.CustomerID, deref(ct.Name), deref(ct.Title), deref(ct.Mobile), deref(ct.Email),
		deref(ct.WeComID), isTrue(ct.OptOutSMS), isTrue(ct.OptOutEmail), isTrue(ct.Primary)}
}

// CreateContacts inserts contacts, each with a name and a customer, and
// sets their IDs. It leaves the primary flag of other contacts alone (see
// KeepPrimary).
func (t *ImportTx) CreateContacts(ctx context.Context, cts []*ImportContact) error {
	for part := range chunks(cts, importChunk) {
		args := make([]any, 0, 15*len(part))
		byRow := make(map[contactRow][]*ImportContact, len(part))
		for _, ct := range part {
			if ct.Name == nil {
				return errors.New("store: import contact without a name")
			}
			r := ct.row()
			byRow[r] = append(byRow[r], ct)
			smsAt, smsBy := optOutStamp(r.optOutSMS, t.now, model.OptOutByImport)
			emailAt, emailBy := optOutStamp(r.optOutEmail, t.now, model.OptOutByImport)
			args = append(args, r.customerID, r.name, r.title, r.mobile, r.email, r.wecomID, r.optOutSMS,
				r.optOutEmail, r.primary, t.now, t.now, smsAt, smsBy, emailAt, emailBy)
		}
		err := t.query(ctx, insertContactsSQL(t.w.s.dialect, len(part)), args, func(rows *sql.Rows) error {
			var id int64
			var r contactRow
			if err := rows.Scan(&id, &r.customerID, &r.name, &r.title, &r.mobile, &r.email, &r.wecomID,
				&r.optOutSMS, &r.optOutEmail, &r.primary); err != nil {
				return err
			}
			if list := byRow[r]; len(list) > 0 {
				list[0].ID, byRow[r] = id, list[1:]
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: import contacts: %w", err)
		}
		for _, ct := range part {
			if ct.ID == 0 {
				return errors.New("store: import contacts: no id returned")
			}
		}
	}
	return nil
}

// UpdateContacts saves the non-nil fields of each contact. It leaves the
// primary flag of other contacts alone (see KeepPrimary).
func (t *ImportTx) UpdateContacts(ctx context.Context, cts []*ImportContact) error {
	for part := range chunks(cts, importChunk) {
		args := make([]any, 1, 1+10*len(part))
		args[0] = t.now
		for _, ct := range part {
			args = append(args, ct.ID, ct.CustomerID, optString(ct.Name), optString(ct.Title), optString(ct.Mobile),
				optString(ct.Email), optString(ct.WeComID), optBool(ct.OptOutSMS), optBool(ct.OptOutEmail),
				optBool(ct.Primary))
		}
		if err := t.exec(ctx, updateContactsSQL(t.w.s.dialect, len(part)), args, len(part)); err != nil {
			return fmt.Errorf("store: import contacts: %w", err)
		}
	}
	return nil
}

// KeepPrimary makes contactIDs[i] the only contact of customerIDs[i] that
// may stay primary: every other contact of that customer stops being so.
func (t *ImportTx) KeepPrimary(ctx context.Context, customerIDs, contactIDs []int64) error {
	if len(customerIDs) != len(contactIDs) {
		return errors.New("store: keep primary: ids do not pair up")
	}
	for start := 0; start < len(customerIDs); start += inChunk {
		end := min(start+inChunk, len(customerIDs))
		args := make([]any, 0, 2*(end-start))
		for _, id := range customerIDs[start:end] {
			args = append(args, id)
		}
		for _, id := range contactIDs[start:end] {
			args = append(args, id)
		}
		st, err := t.stmt(ctx, keepPrimarySQL(t.w.s.dialect, end-start))
		if err == nil {
			_, err = st.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("store: keep primary: %w", err)
		}
	}
	return nil
}

// query runs q and calls fn on every row.
func (t *ImportTx) query(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exec runs q, which must change want rows.
func (t *ImportTx) exec(ctx context.Context, q string, args []any, want int) error {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n != int64(want) {
		return fmt.Errorf("%d of %d rows to update were deleted meanwhile", int64(want)-n, want)
	}
	return nil
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for start := 0; start < len(s); start += n {
			if !yield(s[start:min(start+n, len(s))]) {
				return
			}
		}
	}
}

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
