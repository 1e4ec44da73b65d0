package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// CustomersWithContacts returns the customers among ids the policy lets
// the user see, by name, and their contacts by customer (primary first,
// then by name). Ids of customers the user may not see are left out.
func (s *Store) CustomersWithContacts(ctx context.Context, p permission.Policy, ids []int64) ([]*model.Customer, map[int64][]*model.Contact, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	var q Query
	q.Add(`SELECT `, customerColumns, customerFrom, ` WHERE `, p.SeeSQL("c", q.Arg), ` AND `, s.idIn(&q, "c.id", ids),
		` ORDER BY c.name, c.id`)
	var customers []*model.Customer
	var found []int64
	err := queryEach(ctx, s.r, &q, func(rows *sql.Rows) error {
		c, err := scanCustomer(rows)
		if err == nil {
			customers, found = append(customers, c), append(found, c.ID)
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: customers to export: %w", err)
	}
	if len(found) == 0 {
		return nil, nil, nil
	}
	var cq Query
	cq.Add(`SELECT `, contactColumns, contactFrom, ` WHERE `, s.idIn(&cq, "ct.customer_id", found),
		` ORDER BY ct.customer_id, ct.is_primary DESC, ct.name, ct.id`)
	contacts := map[int64][]*model.Contact{}
	err = queryEach(ctx, s.r, &cq, func(rows *sql.Rows) error {
		ct, err := scanContact(rows)
		if err == nil {
			contacts[ct.CustomerID] = append(contacts[ct.CustomerID], ct)
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: contacts to export: %w", err)
	}
	return customers, contacts, nil
}
