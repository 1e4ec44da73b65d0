package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// IndexQueuedRecords moves up to n records from the search queue into the
// keyword index (migration 12) in one transaction, oldest first, and
// returns how many it took from the queue (fewer than n: the queue is
// empty). A record leaves the queue in the transaction that indexes it, so
// a search always reads it one way or the other; several processes may
// index at once, each taking rows the others have not locked.
func (s *Store) IndexQueuedRecords(ctx context.Context, n int) (int, error) {
	var took int
	var err error
	if s.dialect == Postgres {
		// The text is recordText, as record_search_insert (migration 12)
		// spells it. The records are read by primary key from an array:
		// joined to the deleted rows, the planner hashed the whole records
		// table.
		err = s.w.QueryRowContext(ctx, `WITH q AS (
				DELETE FROM record_search_queue WHERE record_id IN (SELECT record_id FROM record_search_queue
					ORDER BY record_id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING record_id),
			ins AS (INSERT INTO record_search (record_id, contacted_at, body)
				SELECT r.id, r.contacted_at, `+recordText+`
				FROM contact_records r WHERE r.id = ANY(ARRAY(SELECT record_id FROM q)) ON CONFLICT (record_id) DO NOTHING)
			SELECT count(*) FROM q`, n).Scan(&took)
	} else {
		err = s.InTx(ctx, func(tx *sql.Tx) error {
			// One writer: both statements see the same first n queued ids.
			// The text is spelled as the insert trigger (migration 12) spells it.
			const first = `SELECT record_id FROM record_search_queue ORDER BY record_id LIMIT $1`
			if _, err := tx.ExecContext(ctx, `INSERT INTO record_search (rowid, body)
				SELECT r.id, r.title || ' ' || r.summary || ' ' || r.content || '  ' FROM contact_records r
				WHERE r.id IN (`+first+`)`, n); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM record_search_queue WHERE record_id IN (`+first+`)`, n)
			if err != nil {
				return err
			}
			m, err := res.RowsAffected()
			took = int(m)
			return err
		})
	}
	if err != nil {
		return 0, fmt.Errorf("store: index queued records: %w", err)
	}
	return took, nil
}

// QueuedRecords counts the records waiting for the keyword index.
func (s *Store) QueuedRecords(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM record_search_queue`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: queued records: %w", err)
	}
	return n, nil
}

// SearchBacklog tells whether a bulk send is delivering now, and when the
// oldest record waiting for the keyword index was written (zero when none
// waits).
func (s *Store) SearchBacklog(ctx context.Context) (sending bool, oldest time.Time, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM bulk_sends WHERE status = $1)`, model.BulkRunning).Scan(&sending)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("store: search backlog: %w", err)
	}
	err = s.r.QueryRowContext(ctx, `SELECT r.created_at FROM record_search_queue q JOIN contact_records r ON r.id = q.record_id
		ORDER BY q.record_id LIMIT 1`).Scan(&oldest)
	if errors.Is(err, sql.ErrNoRows) {
		return sending, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("store: search backlog: %w", err)
	}
	return sending, oldest, nil
}
