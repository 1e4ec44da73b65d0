package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// AwaitingMessage is a sent SMS still awaiting its receipt.
type AwaitingMessage struct {
	RecordID          int64
	Address           string
	ProviderMessageID string
	SentAt            time.Time
}

// AwaitingReceipts returns up to limit SMS records of provider sent in
// [from, to) that still await a receipt, in id order after afterID.
func (s *Store) AwaitingReceipts(ctx context.Context, provider string, from, to time.Time, afterID int64, limit int) ([]AwaitingMessage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, address, provider_message_id, contacted_at FROM contact_records
		WHERE channel = $1 AND contacted_at >= $2 AND contacted_at < $3 AND status = $4 AND provider = $5 AND id > $6
		ORDER BY id LIMIT $7`, model.ChannelSMS, dbTime(from), dbTime(to), model.RecordSent, provider, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: awaiting receipts: %w", err)
	}
	defer rows.Close()
	var out []AwaitingMessage
	for rows.Next() {
		var m AwaitingMessage
		if err := rows.Scan(&m.RecordID, &m.Address, &m.ProviderMessageID, &m.SentAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// noReceiptChunk is how many records one MarkNoReceipt statement marks.
const noReceiptChunk = 2000

// MarkNoReceipt marks the SMS records of providers sent before before that
// still await a receipt as no_receipt, and their recipients with them. It
// returns how many records it marked.
func (s *Store) MarkNoReceipt(ctx context.Context, providers []string, before time.Time) (int, error) {
	total := 0
	for {
		q := s.bulkQuery()
		q.Add(`SELECT id, bulk_recipient_id FROM contact_records WHERE channel = `, q.Arg(model.ChannelSMS), ` AND contacted_at < `,
			q.Arg(dbTime(before)), ` AND status = `, q.Arg(model.RecordSent), ` AND `, s.textIn(q, "provider", providers),
			` LIMIT `, q.Arg(noReceiptChunk))
		rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return total, fmt.Errorf("store: no receipt: %w", err)
		}
		var records, recipients []int64
		for rows.Next() {
			var id int64
			var rcp sql.NullInt64
			if err := rows.Scan(&id, &rcp); err != nil {
				rows.Close()
				return total, err
			}
			records = append(records, id)
			if rcp.Valid {
				recipients = append(recipients, rcp.Int64)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(records) == 0 {
			return total, err
		}
		u := s.bulkQuery()
		u.Add(`UPDATE contact_records SET status = `, u.Arg(model.RecordNoReceipt), `, receipt_at = `, u.Arg(now()), ` WHERE `,
			s.idIn(u, "id", records), ` AND status = `, u.Arg(model.RecordSent))
		if _, err := s.w.ExecContext(ctx, u.SQL(), u.Args()...); err != nil {
			return total, fmt.Errorf("store: no receipt: %w", err)
		}
		if len(recipients) > 0 {
			u := s.bulkQuery()
			u.Add(`UPDATE bulk_recipients SET delivery = `, u.Arg(model.DeliveryNoReceipt), ` WHERE `, s.idIn(u, "id", recipients),
				` AND status = `, u.Arg(model.RecipientSent), ` AND delivery = ''`)
			if _, err := s.w.ExecContext(ctx, u.SQL(), u.Args()...); err != nil {
				return total, fmt.Errorf("store: no receipt: %w", err)
			}
		}
		total += len(records)
		if len(records) < noReceiptChunk {
			return total, nil
		}
	}
}
