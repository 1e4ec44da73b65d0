package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// customerOrders maps the sort keys of ListCustomersOrdered to SQL.
var customerOrders = map[string]string{
	"name":     "c.name",
	"code":     "COALESCE(c.code, '')",
	"level":    "c.level",
	"industry": "c.industry",
	"rep":      "COALESCE(NULLIF(ru.display_name, ''), ru.username, '')",
	"contacts": "(SELECT count(*) FROM contacts cc WHERE cc.customer_id = c.id)",
	"updated":  "c.updated_at",
}

// CustomerSortKeys lists the sort keys ListCustomersOrdered accepts.
var CustomerSortKeys = []string{"code", "name", "level", "industry", "rep", "contacts", "updated"}

// ListCustomersOrdered is ListCustomers with a chosen order: sort is one of
// CustomerSortKeys (unknown keys sort by name), desc reverses it; ties are
// broken by name and id so pages are stable.
func (s *Store) ListCustomersOrdered(ctx context.Context, p permission.Policy, f CustomerFilter, sort string, desc bool) ([]*model.Customer, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	order, ok := customerOrders[sort]
	if !ok {
		order = customerOrders["name"]
	}
	if desc {
		order += " DESC"
	}
	total, err := s.countCustomers(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	var q Query
	q.Add(`SELECT `, customerColumns, customerFrom)
	f.where(&q, p)
	q.Add(` ORDER BY `, order, `, c.name, c.id`, f.page())
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

// CustomerLevels returns the distinct non-empty customer levels, sorted:
// the choices of the level filter.
func (s *Store) CustomerLevels(ctx context.Context) ([]string, error) {
	// A loose index scan: each step asks the level index for the next
	// level after the last, so the cost is a lookup per level, not a read
	// of every customer (16 ms on SQLite with 100,000 customers).
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE l(level) AS (
		SELECT min(level) FROM customers WHERE level > ''
		UNION ALL
		SELECT (SELECT min(c.level) FROM customers c WHERE c.level > l.level) FROM l WHERE l.level IS NOT NULL)
	SELECT level FROM l WHERE level IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: customer levels: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
