package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/permission"
)

// CountVisibleRecords counts the records matching f (its After and Limit
// ignored) that the policy lets the user see, reading at most most+1 of
// them: a result above most means "more than most", which keeps a count of
// a million records as cheap as one of ten thousand.
//
// A keyword is counted through the search index wherever the index can
// name its records: every match holds all of the keyword's pairs (or
// trigrams), so the index's records are a superset to test, where a walk
// would read every record until enough had matched — most of the table
// for a keyword in one record of a hundred.
func (s *Store) CountVisibleRecords(ctx context.Context, p permission.Policy, f RecordFilter, most int) (int, error) {
	f.After, f.Limit = nil, 0
	f.keyword = keywordPlan{}
	if f.Query != "" {
		if s.dialect == SQLite {
			if err := s.planKeywordSQLite(ctx, &f); err != nil {
				return 0, fmt.Errorf("store: count records: %w", err)
			}
		} else {
			f.keyword = bigramPlan(f.Query)
		}
	}
	var q Query
	q.Add(`SELECT count(*) FROM (SELECT 1 FROM contact_records r JOIN customers c ON c.id = r.customer_id`)
	f.where(&q, p, s.dialect)
	q.Add(` LIMIT `, q.Arg(most+1), `) x`)
	var n int
	var err error
	if s.dialect == Postgres && f.keyword.mode == keywordNarrow {
		err = s.inReadOnlyTx(ctx, narrowWorkMem, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n)
		})
	} else {
		err = s.r.QueryRowContext(ctx, q.SQL(), q.Args()...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("store: count records: %w", err)
	}
	return n, nil
}
