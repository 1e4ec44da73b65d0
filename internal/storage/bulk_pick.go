package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/permission"
)

// Candidate is one contact of the bulk recipient picker, with what the
// picker shows of it and of its customer.
type Candidate struct {
	ContactID    int64
	ContactName  string
	ContactTitle string
	Mobile       string
	Email        string
	OptOutSMS    bool
	OptOutEmail  bool
	CustomerID   int64
	CustomerName string
	CustomerCode string
	Level        string
	Industry     string
	DoNotContact bool
	RepName      string // the exclusive rep, "" when none
	TeamName     string // the exclusive rep's team
	// LastTopicIDs are the topics of the contact's latest record.
	LastTopicIDs []int64
}

// ListCandidates returns a page of the contacts a selection matches among
// those the policy lets the user see, by customer then contact, and how
// many match in all.
func (s *Store) ListCandidates(ctx context.Context, p permission.Policy, sel RecipientSelection, limit, offset int) ([]*Candidate, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var cq Query
	cq.Add(`SELECT count(*) FROM contacts ct JOIN customers c ON c.id = ct.customer_id`)
	sel.where(&cq, p)
	var total int
	if err := s.r.QueryRowContext(ctx, cq.SQL(), cq.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count candidates: %w", err)
	}
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	var q Query
	q.Add(`SELECT ct.id, ct.name, ct.title, ct.mobile, ct.email, ct.opt_out_sms, ct.opt_out_email, c.id, c.name,
		COALESCE(c.code, ''), c.level, c.industry, c.do_not_contact, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
		COALESCE(t.name, ''),
		(SELECT lr.id FROM contact_records lr WHERE lr.contact_id = ct.id ORDER BY lr.contacted_at DESC, lr.id DESC LIMIT 1)
		FROM contacts ct JOIN customers c ON c.id = ct.customer_id LEFT JOIN users u ON u.id = c.rep_id
		LEFT JOIN teams t ON t.id = u.team_id`)
	sel.where(&q, p)
	q.Add(` ORDER BY c.name, c.id, ct.is_primary DESC, ct.name, ct.id LIMIT `, q.Arg(limit), ` OFFSET `, q.Arg(offset))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list candidates: %w", err)
	}
	var out []*Candidate
	lastRecord := map[int64]*Candidate{}
	var recordIDs []int64
	for rows.Next() {
		var c Candidate
		var last sql.NullInt64
		if err := rows.Scan(&c.ContactID, &c.ContactName, &c.ContactTitle, &c.Mobile, &c.Email, &c.OptOutSMS, &c.OptOutEmail,
			&c.CustomerID, &c.CustomerName, &c.CustomerCode, &c.Level, &c.Industry, &c.DoNotContact, &c.RepName, &c.TeamName,
			&last); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: list candidates: %w", err)
		}
		out = append(out, &c)
		if last.Valid {
			lastRecord[last.Int64] = &c
			recordIDs = append(recordIDs, last.Int64)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list candidates: %w", err)
	}
	if len(recordIDs) == 0 {
		return out, total, nil
	}
	var tq Query
	tq.Add(`SELECT record_id, topic_id FROM record_topics WHERE record_id IN (`, placeholderList(&tq, recordIDs),
		`) ORDER BY record_id, topic_id`)
	trows, err := s.r.QueryContext(ctx, tq.SQL(), tq.Args()...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: candidate topics: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var rec, topic int64
		if err := trows.Scan(&rec, &topic); err != nil {
			return nil, 0, err
		}
		if c := lastRecord[rec]; c != nil {
			c.LastTopicIDs = append(c.LastTopicIDs, topic)
		}
	}
	return out, total, trows.Err()
}

// CustomerIndustries returns the distinct industries of customers, for
// filters.
func (s *Store) CustomerIndustries(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT industry FROM customers WHERE industry <> '' ORDER BY industry`)
	if err != nil {
		return nil, fmt.Errorf("store: customer industries: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
