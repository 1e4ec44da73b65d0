package storage

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Frequency caps count, per contact, channel and kind, the bulk messages
// of the window (frequency_marks) and, for service messages, the single
// and plan messages on record. A claimed chunk is checked and marked in
// one transaction that holds the channel's cap lock, so two sends never
// both take a contact's last allowance.

// capLockKey is the PostgreSQL advisory lock of one channel's caps.
func capLockKey(channel string) int64 {
	h := fnv.New64a()
	h.Write([]byte("touchbase frequency caps " + channel))
	return int64(h.Sum64() >> 1)
}

// ReserveFrequency checks claimed rows of one channel of a send of the
// given kind against caps at t: it returns the ids of rows over a cap,
// and marks every other row as sent at t (a row marked by an earlier
// claim of itself keeps its mark and is not counted against itself).
func (s *Store) ReserveFrequency(ctx context.Context, channel string, marketing bool, rows []*model.BulkRecipient,
	caps []model.FrequencyCap, t time.Time) (map[int64]bool, error) {
	if len(caps) == 0 || len(rows) == 0 {
		return nil, nil
	}
	t = dbTime(t)
	longest := time.Duration(0)
	for _, c := range caps {
		longest = max(longest, c.Window())
	}
	var contacts []int64
	for _, r := range rows {
		if r.ContactID != nil {
			contacts = append(contacts, *r.ContactID)
		}
	}
	over := map[int64]bool{}
	if len(contacts) == 0 {
		return over, nil
	}
	slices.Sort(contacts)
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, capLockKey(channel)); err != nil {
				return err
			}
		}
		prune := s.bulkQuery()
		prune.Add(`DELETE FROM frequency_marks WHERE `, s.idIn(prune, "contact_id", contacts), ` AND sent_at < `,
			prune.Arg(t.Add(-model.MaxCapHours*time.Hour)))
		if _, err := tx.ExecContext(ctx, prune.SQL(), prune.Args()...); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
		sent, mine, err := s.capHistory(ctx, tx, channel, marketing, contacts, t.Add(-longest))
		if err != nil {
			return err
		}
		var marked []*model.BulkRecipient
		for _, r := range rows {
			if r.ContactID == nil || mine[r.ID] {
				continue
			}
			if overCap(caps, sent[*r.ContactID], t) {
				over[r.ID] = true
				continue
			}
			sent[*r.ContactID] = append(sent[*r.ContactID], t)
			marked = append(marked, r)
		}
		for start := 0; start < len(marked); start += settleChunk {
			ins := s.bulkQuery()
			ins.Add(`INSERT INTO frequency_marks (bulk_recipient_id, contact_id, channel, marketing, sent_at) VALUES `)
			for i, r := range marked[start:min(start+settleChunk, len(marked))] {
				if i > 0 {
					ins.Add(`, `)
				}
				ins.Add(`(`, ins.Arg(r.ID), `, `, ins.Arg(*r.ContactID), `, `, ins.Arg(channel), `, `, ins.Arg(marketing), `, `, ins.Arg(t), `)`)
			}
			ins.Add(` ON CONFLICT (bulk_recipient_id) DO NOTHING`)
			if _, err := tx.ExecContext(ctx, ins.SQL(), ins.Args()...); err != nil {
				return fmt.Errorf("mark: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: reserve frequency: %w", err)
	}
	return over, nil
}

// overCap reports whether one more message at t would exceed a cap, given
// the times of the messages already sent.
func overCap(caps []model.FrequencyCap, sent []time.Time, t time.Time) bool {
	for _, c := range caps {
		from, n := t.Add(-c.Window()), 0
		for _, at := range sent {
			if at.After(from) {
				n++
			}
		}
		if n >= c.Max {
			return true
		}
	}
	return false
}

// capHistory reads, for contacts, when they were sent messages of the kind
// on channel since from: the marked bulk messages and, for service
// messages, single and plan messages on record. mine holds the recipients
// already marked.
func (s *Store) capHistory(ctx context.Context, tx *sql.Tx, channel string, marketing bool, contacts []int64,
	from time.Time) (map[int64][]time.Time, map[int64]bool, error) {
	sent := map[int64][]time.Time{}
	mine := map[int64]bool{}
	for start := 0; start < len(contacts); start += settleChunk {
		part := contacts[start:min(start+settleChunk, len(contacts))]
		q := s.bulkQuery()
		q.Add(`SELECT contact_id, bulk_recipient_id, sent_at FROM frequency_marks WHERE `, s.idIn(q, "contact_id", part),
			` AND channel = `, q.Arg(channel), ` AND marketing = `, q.Arg(marketing), ` AND sent_at > `, q.Arg(from))
		err := queryEach(ctx, tx, q, func(rows *sql.Rows) error {
			var contact, recipient int64
			var at time.Time
			if err := rows.Scan(&contact, &recipient, &at); err != nil {
				return err
			}
			sent[contact] = append(sent[contact], at)
			mine[recipient] = true
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("marks: %w", err)
		}
		if marketing {
			continue
		}
		q = s.bulkQuery()
		q.Add(`SELECT contact_id, contacted_at FROM contact_records WHERE `, s.idIn(q, "contact_id", part), ` AND channel = `, q.Arg(channel),
			` AND source IN ('`, model.SourceSingle, `', '`, model.SourcePlan, `') AND direction = '`, model.DirectionOutbound,
			`' AND contacted_at > `, q.Arg(from))
		err = queryEach(ctx, tx, q, func(rows *sql.Rows) error {
			var contact int64
			var at time.Time
			if err := rows.Scan(&contact, &at); err != nil {
				return err
			}
			sent[contact] = append(sent[contact], at)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("records: %w", err)
		}
	}
	return sent, mine, nil
}

// unmarkFrequency takes back the marks of messages that finally failed:
// they reached no one, so they count against no cap.
func (s *Store) unmarkFrequency(ctx context.Context, tx *sql.Tx, failed []Outcome) error {
	if len(failed) == 0 {
		return nil
	}
	q := s.bulkQuery()
	q.Add(`DELETE FROM frequency_marks WHERE `, s.idIn(q, "bulk_recipient_id", outcomeIDs(failed)))
	if _, err := tx.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
		return fmt.Errorf("unmark failed: %w", err)
	}
	return nil
}

// CountFrequencyCapped counts the recipients a selection would reach on
// channel (those not skipped for another reason) who, at t, already had
// as many messages of the kind as a cap allows: a send at t would skip
// them.
func (s *Store) CountFrequencyCapped(ctx context.Context, p permission.Policy, sel RecipientSelection, channel string, marketing bool,
	caps []model.FrequencyCap, t time.Time) (int, error) {
	if len(caps) == 0 {
		return 0, nil
	}
	if _, ok := channelColumns[channel]; !ok {
		return 0, model.NewFieldError("channels", "invalid", "unknown channel "+channel)
	}
	t = dbTime(t)
	var q Query
	q.Add(`SELECT count(*) FROM (`)
	sel.candidates(&q, p, channel)
	q.Add(`) s WHERE s.reason = '' AND (`)
	for i, c := range caps {
		if i > 0 {
			q.Add(` OR `)
		}
		from := t.Add(-c.Window())
		q.Add(`(SELECT count(*) FROM frequency_marks m WHERE m.contact_id = s.contact_id AND m.channel = `, q.Arg(channel),
			` AND m.marketing = `, q.Arg(marketing), ` AND m.sent_at > `, q.Arg(from), `)`)
		if !marketing {
			q.Add(` + (SELECT count(*) FROM contact_records r WHERE r.contact_id = s.contact_id AND r.channel = `, q.Arg(channel),
				` AND r.source IN ('`, model.SourceSingle, `', '`, model.SourcePlan, `') AND r.direction = '`, model.DirectionOutbound,
				`' AND r.contacted_at > `, q.Arg(from), `)`)
		}
		q.Add(` >= `, q.Arg(c.Max))
	}
	q.Add(`)`)
	var n int
	if err := s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count frequency capped: %w", err)
	}
	return n, nil
}
