package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Quiet hours: a recipient outside its send's window stays pending with
// next_attempt_at at the opening and held_until set to it. Holding is
// only database state, so a restart loses nothing, and it counts no
// attempt.

// prefixesIn adds " AND (address LIKE '+86%' OR …)" for prefixes; none:
// every address.
func prefixesIn(q *Query, prefixes []string) {
	if len(prefixes) == 0 {
		return
	}
	q.Add(` AND (`)
	for i, p := range prefixes {
		if i > 0 {
			q.Add(` OR `)
		}
		q.Add(`address LIKE `, q.Arg(p+"%"))
	}
	q.Add(`)`)
}

// HoldRecipients holds, in one statement, every pending recipient of one
// channel of a send due before until whose address starts with one of
// prefixes (none: every recipient), until then. It returns how many it
// held.
func (s *Store) HoldRecipients(ctx context.Context, bulkID int64, channel string, prefixes []string, until time.Time) (int64, error) {
	until = dbTime(until)
	var q Query
	q.Add(`UPDATE bulk_recipients SET next_attempt_at = `, q.Arg(until), `, held_until = `, q.Arg(until), `, updated_at = `, q.Arg(now()),
		` WHERE bulk_send_id = `, q.Arg(bulkID), ` AND channel = `, q.Arg(channel), ` AND NOT settled AND status = '`, model.RecipientPending,
		`' AND next_attempt_at < `, q.Arg(until))
	prefixesIn(&q, prefixes)
	res, err := s.w.ExecContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return 0, fmt.Errorf("store: hold recipients: %w", err)
	}
	return res.RowsAffected()
}

// ReleaseHeld makes the recipients of one channel of a send held past at,
// whose address starts with one of prefixes (none: every one), due at at:
// the quiet hours changed and their window is open. It returns how many it
// released.
func (s *Store) ReleaseHeld(ctx context.Context, bulkID int64, channel string, prefixes []string, at time.Time) (int64, error) {
	at = dbTime(at)
	var q Query
	q.Add(`UPDATE bulk_recipients SET next_attempt_at = `, q.Arg(at), `, held_until = NULL, updated_at = `, q.Arg(now()),
		` WHERE bulk_send_id = `, q.Arg(bulkID), ` AND channel = `, q.Arg(channel), ` AND NOT settled AND status = '`, model.RecipientPending,
		`' AND next_attempt_at > `, q.Arg(at), ` AND held_until > `, q.Arg(at))
	prefixesIn(&q, prefixes)
	res, err := s.w.ExecContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return 0, fmt.Errorf("store: release held recipients: %w", err)
	}
	return res.RowsAffected()
}

// settleHeld puts claimed rows found in their quiet hours back to pending,
// held until their outcome's RetryAt, taking back the attempt the claim
// counted. Only rows holder still has in "sending" change.
func (s *Store) settleHeld(ctx context.Context, tx *sql.Tx, holder string, held []Outcome) error {
	byTime := map[time.Time][]int64{}
	var order []time.Time
	for _, o := range held {
		at := dbTime(o.RetryAt)
		if _, ok := byTime[at]; !ok {
			order = append(order, at)
		}
		byTime[at] = append(byTime[at], o.Recipient.ID)
	}
	for _, at := range order {
		u := s.bulkQuery()
		u.Add(`UPDATE bulk_recipients SET status = `, u.Arg(model.RecipientPending), `, claimed_by = '', attempts = attempts - 1, next_attempt_at = `,
			u.Arg(at), `, held_until = `, u.Arg(at), `, updated_at = `, u.Arg(now()), ` WHERE `, s.idIn(u, "id", byTime[at]),
			` AND status = `, u.Arg(model.RecipientSending), ` AND claimed_by = `, u.Arg(holder))
		if _, err := tx.ExecContext(ctx, u.SQL(), u.Args()...); err != nil {
			return fmt.Errorf("hold: %w", err)
		}
	}
	return nil
}

// heldCounts adds to counts how many pending recipients of each send are
// held for quiet hours, and until when at the earliest, and how many wait
// for their WeCom sender's confirmation.
func heldCounts(ctx context.Context, db querier, ids []int64, counts map[int64]model.Counts) error {
	var q Query
	pending, sending := `status = '`+model.RecipientPending+`'`, `status = '`+model.RecipientSending+`'`
	q.Add(`SELECT bulk_send_id, sum(CASE WHEN `, pending, ` AND held_until IS NOT NULL THEN 1 ELSE 0 END),
		min(CASE WHEN `, pending, ` THEN held_until END), sum(CASE WHEN `, sending, ` AND wecom_task_id IS NOT NULL THEN 1 ELSE 0 END)
		FROM bulk_recipients WHERE bulk_send_id IN (`, placeholderList(&q, ids),
		`) AND NOT settled AND (held_until IS NOT NULL OR wecom_task_id IS NOT NULL) GROUP BY bulk_send_id`)
	rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return fmt.Errorf("store: held counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, awaiting int
		var at any
		if err := rows.Scan(&id, &n, &at, &awaiting); err != nil {
			return err
		}
		c := counts[id]
		c.Held, c.Awaiting = n, awaiting
		if t, ok := aggregateTime(at); ok {
			c.HeldUntil = &t
		}
		counts[id] = c
	}
	return rows.Err()
}

// aggregateTime reads a min() or max() of a time column: SQLite returns
// it as the text it stores.
func aggregateTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano} {
			if p, err := time.Parse(layout, t); err == nil {
				return p, true
			}
		}
	}
	return time.Time{}, false
}

// CountSendable counts the recipients a selection would send to on
// channel whose address starts with one of prefixes (none: every one):
// for a dry run, those quiet hours would hold.
func (s *Store) CountSendable(ctx context.Context, p permission.Policy, sel RecipientSelection, channel string, prefixes []string) (int, error) {
	if _, ok := channelColumns[channel]; !ok {
		return 0, model.NewFieldError("channels", "invalid", "unknown channel "+channel)
	}
	var q Query
	q.Add(`SELECT count(*) FROM (`)
	sel.candidates(&q, p, channel)
	q.Add(`) s WHERE reason = ''`)
	prefixesIn(&q, prefixes)
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count sendable: %w", err)
	}
	return n, nil
}
