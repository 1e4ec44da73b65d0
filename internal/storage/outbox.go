package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
)

// AddOutboxMessages stores messages kept by the outbox channel and sets
// their IDs, in one transaction. A message whose ref is already there is
// not stored again: it gets the stored message's ID.
func (s *Store) AddOutboxMessages(ctx context.Context, msgs []*model.OutboxMessage) error {
	return s.InTx(ctx, func(db *sql.Tx) error {
		t := now()
		known := map[string]int64{}
		var q Query
		q.Add(`SELECT ref, id FROM outbox_messages WHERE ref IN (''`)
		for _, m := range msgs {
			if m.Ref != "" {
				q.Add(", ", q.Arg(m.Ref))
			}
		}
		q.Add(`)`)
		rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return fmt.Errorf("store: outbox refs: %w", err)
		}
		for rows.Next() {
			var ref string
			var id int64
			if err := rows.Scan(&ref, &id); err != nil {
				rows.Close()
				return err
			}
			known[ref] = id
		}
		rows.Close()
		for _, m := range msgs {
			if id, ok := known[m.Ref]; ok && m.Ref != "" {
				m.ID = id
				continue
			}
			err := db.QueryRowContext(ctx, `INSERT INTO outbox_messages (kind, to_address, subject, body, html, ref, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, m.Kind, m.To, m.Subject, m.Body, m.HTML, m.Ref, t).Scan(&m.ID)
			if err != nil {
				return fmt.Errorf("store: outbox: %w", err)
			}
			m.CreatedAt = t
			if m.Ref != "" {
				known[m.Ref] = m.ID
			}
		}
		return nil
	})
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	Kind     string
	To       string
	BeforeID int64
	Limit    int
}

// ListOutbox returns outbox messages, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]*model.OutboxMessage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var q Query
	q.Add(`SELECT id, kind, to_address, subject, body, html, ref, created_at FROM outbox_messages WHERE 1 = 1`)
	if f.Kind != "" {
		q.Add(` AND kind = `, q.Arg(f.Kind))
	}
	if f.To != "" {
		q.Add(` AND to_address = `, q.Arg(f.To))
	}
	if f.BeforeID != 0 {
		q.Add(` AND id < `, q.Arg(f.BeforeID))
	}
	q.Add(` ORDER BY id DESC LIMIT `, q.Arg(f.Limit))
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: list outbox: %w", err)
	}
	defer rows.Close()
	var out []*model.OutboxMessage
	for rows.Next() {
		var m model.OutboxMessage
		if err := rows.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Body, &m.HTML, &m.Ref, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}
