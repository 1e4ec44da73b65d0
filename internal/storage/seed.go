package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"touchbase/internal/model"
)

// InsertRecords writes many records with multi-row INSERTs in one
// transaction, without their topics (see SpreadRecordTopics). It is for
// generating load-test data; the records are trusted, not validated.
func (s *Store) InsertRecords(ctx context.Context, recs []*model.Record) error {
	const chunk = 400
	return s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		for start := 0; start < len(recs); start += chunk {
			part := recs[start:min(start+chunk, len(recs))]
			var q Query
			q.Add(`INSERT INTO contact_records (customer_id, contact_id, user_id, channel, source, status, title, summary,
				content, address, provider, provider_message_id, contacted_at, created_at) VALUES `)
			for i, r := range part {
				if i > 0 {
					q.Add(", ")
				}
				vals := []any{r.CustomerID, nullInt(r.ContactID), nullInt(r.UserID), r.Channel, r.Source, r.Status, r.Title,
					r.Summary, r.Content, r.Address, r.Provider, r.ProviderMessageID, dbTime(r.ContactedAt), t}
				ph := make([]string, len(vals))
				for j, v := range vals {
					ph[j] = q.Arg(v)
				}
				q.Add("(", strings.Join(ph, ", "), ")")
			}
			if _, err := tx.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
				return fmt.Errorf("store: insert records: %w", err)
			}
		}
		return nil
	})
}

// SpreadRecordTopics gives every record whose id modulo 10 is below
// tenths one of topicIDs (chosen by id / 10, so every topic gets its
// share), for generated data.
func (s *Store) SpreadRecordTopics(ctx context.Context, topicIDs []int64, tenths int) error {
	if len(topicIDs) == 0 {
		return nil
	}
	var q Query
	q.Add(`INSERT INTO record_topics (record_id, topic_id) SELECT r.id, CASE`)
	n := strconv.Itoa(len(topicIDs))
	for i, id := range topicIDs { // integers, written inline so both dialects type them alike
		q.Add(` WHEN (r.id / 10) % `, n, ` = `, strconv.Itoa(i), ` THEN `, strconv.FormatInt(id, 10))
	}
	q.Add(` END FROM contact_records r WHERE r.id % 10 < `, strconv.Itoa(tenths),
		` AND NOT EXISTS (SELECT 1 FROM record_topics x WHERE x.record_id = r.id)`)
	if _, err := s.w.ExecContext(ctx, q.SQL(), q.Args()...); err != nil {
		return fmt.Errorf("store: spread topics: %w", err)
	}
	return nil
}

// CountRecords returns the number of records.
func (s *Store) CountRecords(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM contact_records`).Scan(&n)
	return n, err
}

// Analyze refreshes the query planner's statistics.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, `ANALYZE`)
	return err
}
