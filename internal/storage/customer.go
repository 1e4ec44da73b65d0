package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

const customerColumns = `c.id, COALESCE(c.code, ''), c.name, c.level, c.industry, c.address, c.notes, c.rep_id,
	COALESCE(NULLIF(ru.display_name, ''), ru.username, ''), c.do_not_contact, c.created_at, c.updated_at,
	(SELECT count(*) FROM contacts cc WHERE cc.customer_id = c.id)`

const customerFrom = ` FROM customers c LEFT JOIN users ru ON ru.id = c.rep_id`

func scanCustomer(row interface{ Scan(...any) error }) (*model.Customer, error) {
	var c model.Customer
	var rep sql.NullInt64
	err := row.Scan(&c.ID, &c.Code, &c.Name, &c.Level, &c.Industry, &c.Address, &c.Notes, &rep, &c.RepName,
		&c.DoNotContact, &c.CreatedAt, &c.UpdatedAt, &c.ContactCount)
	if err != nil {
		return nil, err
	}
	c.RepID = intPtr(rep)
	return &c, nil
}

func customerWriteError(err error) error {
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("code", "taken", "another customer has this code"))
	case isForeignKeyViolation(err):
		return model.NewFieldError("rep_id", "not_found", "exclusive rep does not exist")
	}
	return fmt.Errorf("store: write customer: %w", err)
}

// CreateCustomer inserts c.
func (s *Store) CreateCustomer(ctx context.Context, c *model.Customer) error {
	return s.createCustomer(ctx, s.w, c)
}

func (s *Store) createCustomer(ctx context.Context, db querier, c *model.Customer) error {
	t := now()
	err := db.QueryRowContext(ctx, `INSERT INTO customers
		(code, name, level, industry, address, notes, rep_id, do_not_contact, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		nullString(c.Code), c.Name, c.Level, c.Industry, c.Address, c.Notes, nullInt(c.RepID), c.DoNotContact, t).Scan(&c.ID)
	if err != nil {
		return customerWriteError(err)
	}
	c.CreatedAt, c.UpdatedAt = t, t
	return nil
}

// UpdateCustomer saves every editable field of c.
func (s *Store) UpdateCustomer(ctx context.Context, c *model.Customer) error {
	t := now()
	res, err := s.w.ExecContext(ctx, `UPDATE customers SET code = $1, name = $2, level = $3, industry = $4, address = $5,
		notes = $6, rep_id = $7, do_not_contact = $8, updated_at = $9 WHERE id = $10`,
		nullString(c.Code), c.Name, c.Level, c.Industry, c.Address, c.Notes, nullInt(c.RepID), c.DoNotContact, t, c.ID)
	if err != nil {
		return customerWriteError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	c.UpdatedAt = t
	return nil
}

// DeleteCustomer removes a customer with its contacts and relations.
func (s *Store) DeleteCustomer(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete customer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// CustomerByID returns a customer if the policy lets the user see it, else
// model.ErrNotFound.
func (s *Store) CustomerByID(ctx context.Context, p permission.Policy, id int64) (*model.Customer, error) {
	var q Query
	q.Add(`SELECT `, customerColumns, customerFrom, ` WHERE c.id = `, q.Arg(id), ` AND `, p.SeeSQL("c", q.Arg))
	c, err := scanCustomer(s.r.QueryRowContext(ctx, q.SQL(), q.Args()...))
	if err != nil {
		return nil, notFound(err)
	}
	return c, nil
}

// CustomerByCode returns a customer by its code, without permission checks
// (for imports and API sync by admins).
func (s *Store) CustomerByCode(ctx context.Context, code string) (*model.Customer, error) {
	c, err := scanCustomer(s.r.QueryRowContext(ctx, `SELECT `+customerColumns+customerFrom+` WHERE c.code = $1`, code))
	if err != nil {
		return nil, notFound(err)
	}
	return c, nil
}

// CustomerAccess evaluates the policy on one customer. It returns
// model.ErrNotFound when the customer does not exist.
func (s *Store) CustomerAccess(ctx context.Context, p permission.Policy, id int64) (permission.Access, error) {
	var q Query
	// A NULL rep_id makes "rep_id = $n" NULL, not false: COALESCE the answers.
	q.Add(`SELECT COALESCE(`, p.SeeSQL("c", q.Arg), `, FALSE), COALESCE(`, p.ContactSQL("c", q.Arg),
		`, FALSE), COALESCE(`, p.EditSQL("c", q.Arg), `, FALSE)`,
		` FROM customers c WHERE c.id = `, q.Arg(id))
	var a permission.Access
	err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&a.See, &a.Contact, &a.Edit)
	if err != nil {
		return a, notFound(err)
	}
	return a, nil
}

// CustomerFilter narrows ListCustomers.
type CustomerFilter struct {
	Query    string // name or code contains
	Mine     bool   // only customers the user serves
	RepID    int64
	Level    string
	Industry string
	Limit    int
	Offset   int
}

func (f CustomerFilter) where(q *Query, p permission.Policy) {
	// The ids of the customers the user may see (or serves) come from
	// indexes, where testing the condition on every customer read in
	// order would read them all when the user sees few.
	if ids := f.visibleIDs(q, p); ids != "" {
		q.Add(` WHERE c.id IN (`, ids, `)`)
	} else {
		q.Add(` WHERE (1 = 1)`)
	}
	if f.Query != "" {
		pat := q.Arg(likePattern(f.Query))
		q.Add(` AND (lower(c.name) LIKE `, pat, ` ESCAPE '\' OR lower(c.code) LIKE `, pat, ` ESCAPE '\')`)
	}
	if f.RepID != 0 {
		q.Add(` AND c.rep_id = `, q.Arg(f.RepID))
	}
	if f.Level != "" {
		q.Add(` AND c.level = `, q.Arg(f.Level))
	}
	if f.Industry != "" {
		q.Add(` AND c.industry = `, q.Arg(f.Industry))
	}
}

// countCustomers counts the customers of f the policy lets the user see.
// Without a search or a filter (the list as it first opens) it counts the
// ids of the visible customers as the indexes hold them (SeeIDsSQL), not
// the customers: with 100,000 customers, a rep's count took a third of a
// second testing each.
func (s *Store) countCustomers(ctx context.Context, p permission.Policy, f CustomerFilter) (int, error) {
	var q Query
	if !f.narrowed() {
		if ids := f.visibleIDs(&q, p); ids != "" {
			q.Add(`SELECT count(*) FROM (`, ids, `) v`)
		}
	}
	if q.SQL() == "" { // narrowed, or the user sees every customer
		q.Add(`SELECT count(*) FROM customers c`)
		f.where(&q, p)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count customers: %w", err)
	}
	return n, nil
}

// page is the LIMIT and OFFSET of f, written as numbers: told the page is
// fifty rows, SQLite walks the customers in the order asked for (the name
// index) and stops at the page, where for a LIMIT it cannot see it sorted
// every customer a rep serves (90 ms for 10,000 of 100,000).
func (f CustomerFilter) page() string {
	return ` LIMIT ` + strconv.Itoa(f.Limit) + ` OFFSET ` + strconv.Itoa(max(f.Offset, 0))
}

// visibleIDs is the query of the ids of the customers f's list may hold by
// the policy: those the user serves when Mine (served is seen), else those
// the user sees; "" when that is every customer.
func (f CustomerFilter) visibleIDs(q *Query, p permission.Policy) string {
	if f.Mine {
		return p.ServesIDsSQL(q.Arg)
	}
	return p.SeeIDsSQL(q.Arg)
}

// narrowed reports whether f has a condition of where beyond the policy
// and Mine (a condition added to where belongs here too).
func (f CustomerFilter) narrowed() bool {
	return f.Query != "" || f.RepID != 0 || f.Level != "" || f.Industry != ""
}

// ListCustomers returns one page of the customers the policy lets the user
// see, ordered by name, and the total number matching.
func (s *Store) ListCustomers(ctx context.Context, p permission.Policy, f CustomerFilter) ([]*model.Customer, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	total, err := s.countCustomers(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	var q Query
	q.Add(`SELECT `, customerColumns, customerFrom)
	f.where(&q, p)
	q.Add(` ORDER BY c.name, c.id`, f.page())
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list customers: %w", err)
	}
	defer rows.Close()
	var out []*model.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list customers: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}
