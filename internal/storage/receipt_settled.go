package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// SettleReceipts finds the bulk sends, finished since since, that sent
// through a provider with receipts and of whose recipients none awaits a
// receipt any more; it marks each settled and returns it with its counts.
// A send is returned once, by whichever process marks it first.
func (s *Store) SettleReceipts(ctx context.Context, since time.Time) ([]*model.BulkSend, error) {
	q := &Query{} // numbered: the providers' condition is used twice
	providers := s.textIn(q, "br.provider", model.ReceiptProviders)
	q.Add(`SELECT b.id FROM bulk_sends b WHERE b.status IN (`, q.Arg(model.BulkDone), `, `, q.Arg(model.BulkCancelled),
		`) AND b.receipts_settled_at IS NULL AND b.finished_at >= `, q.Arg(dbTime(since)),
		` AND EXISTS (SELECT 1 FROM bulk_recipients br WHERE br.bulk_send_id = b.id AND br.status = '`+model.RecipientSent+`' AND `, providers,
		`) AND NOT EXISTS (SELECT 1 FROM bulk_recipients br WHERE br.bulk_send_id = b.id AND br.status = '`+model.RecipientSent+`'
		AND br.delivery = '' AND `, providers, `) ORDER BY b.id`)
	var ids []int64
	err := queryEach(ctx, s.r, q, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: settle receipts: %w", err)
	}
	var out []*model.BulkSend
	t := now()
	for _, id := range ids {
		res, err := s.w.ExecContext(ctx, `UPDATE bulk_sends SET receipts_settled_at = $1 WHERE id = $2 AND receipts_settled_at IS NULL`, t, id)
		if err != nil {
			return out, fmt.Errorf("store: settle receipts: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		b, err := s.BulkSendByID(ctx, permission.Policy{Admin: true}, id)
		if err != nil {
			return out, err
		}
		out = append(out, b)
	}
	return out, nil
}
