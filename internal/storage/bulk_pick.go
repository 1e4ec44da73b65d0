package storage

import (
	"context"
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
		COALESCE(t.name, '')
		FROM contacts ct JOIN customers c ON c.id = ct.customer_id LEFT JOIN users u ON u.id = c.rep_id
		LEFT JOIN teams t ON t.id = u.team_id`)
	sel.where(&q, p)
	q.Add(` ORDER BY c.name, c.id, ct.is_primary DESC, ct.name, ct.id LIMIT `, q.Arg(limit), ` OFFSET `, q.Arg(offset))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list candidates: %w", err)
	}
	var out []*Candidate
	byID := map[int64]*Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ContactID, &c.ContactName, &c.ContactTitle, &c.Mobile, &c.Email, &c.OptOutSMS, &c.OptOutEmail,
			&c.CustomerID, &c.CustomerName, &c.CustomerCode, &c.Level, &c.Industry, &c.DoNotContact, &c.RepName, &c.TeamName); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: list candidates: %w", err)
		}
		out = append(out, &c)
		byID[c.ContactID] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list candidates: %w", err)
	}
	if len(out) == 0 {
		return out, total, nil
	}
	return out, total, s.lastTopics(ctx, byID)
}

// lastTopics fills the topics of each contact's latest record, for the
// page of contacts only.
func (s *Store) lastTopics(ctx context.Context, byID map[int64]*Candidate) error {
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	var q Query
	q.Add(`SELECT l.contact_id, rt.topic_id FROM (SELECT ct.id AS contact_id, (SELECT lr.id FROM contact_records lr
		WHERE lr.contact_id = ct.id ORDER BY lr.contacted_at DESC, lr.id DESC LIMIT 1) AS record_id
		FROM contacts ct WHERE ct.id IN (`, placeholderList(&q, ids), `)) l
		JOIN record_topics rt ON rt.record_id = l.record_id ORDER BY l.contact_id, rt.topic_id`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return fmt.Errorf("store: candidate topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var contact, topic int64
		if err := rows.Scan(&contact, &topic); err != nil {
			return err
		}
		if c := byID[contact]; c != nil {
			c.LastTopicIDs = append(c.LastTopicIDs, topic)
		}
	}
	return rows.Err()
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
