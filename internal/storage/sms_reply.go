package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
)

// ReceiveReply keeps an SMS reply and, in the same transaction, writes an
// inbound SMS record for each contact with its number — made from rec —
// and, for an opt-out reply, turns those contacts' SMS opt-out on (source
// reply). A reply already kept (same provider and ref) changes nothing and
// returns created false. A reply from a number no contact has is kept with
// no match, for audit.
func (s *Store) ReceiveReply(ctx context.Context, r *model.SMSReply, rec model.Record) (matches []model.ReplyMatch, created bool, err error) {
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		r.ReceivedAt, r.SentAt = t, dbTime(r.SentAt)
		err := tx.QueryRowContext(ctx, `INSERT INTO sms_replies (provider, ref, from_number, text, sent_at, received_at, opt_out)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider, ref) DO NOTHING RETURNING id`,
			r.Provider, r.Ref, r.From, r.Text, r.SentAt, t, r.OptOut).Scan(&r.ID)
		if err == sql.ErrNoRows {
			return nil // a repeated push
		}
		if err != nil {
			return err
		}
		created = true
		rows, err := tx.QueryContext(ctx, `SELECT ct.id, ct.name, ct.opt_out_sms, c.id, c.name, c.rep_id
			FROM contacts ct JOIN customers c ON c.id = ct.customer_id WHERE ct.mobile = $1 AND ct.mobile <> '' ORDER BY ct.id`, r.From)
		if err != nil {
			return err
		}
		var optedOut []bool
		for rows.Next() {
			var m model.ReplyMatch
			var already bool
			var rep sql.NullInt64
			if err := rows.Scan(&m.ContactID, &m.ContactName, &already, &m.CustomerID, &m.CustomerName, &rep); err != nil {
				rows.Close()
				return err
			}
			m.RepID = intPtr(rep)
			matches = append(matches, m)
			optedOut = append(optedOut, already)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range matches {
			m := &matches[i]
			if r.OptOut && !optedOut[i] {
				if _, err := tx.ExecContext(ctx, `UPDATE contacts SET opt_out_sms = TRUE, opt_out_sms_at = $1,
					opt_out_sms_source = $2, updated_at = $3 WHERE id = $4`, r.SentAt, model.OptOutByReply, t, m.ContactID); err != nil {
					return err
				}
				m.OptedOut = true
			}
			one := rec
			one.CustomerID, one.ContactID, one.Channel, one.Address = m.CustomerID, &m.ContactID, model.ChannelSMS, r.From
			one.Direction, one.Source, one.ContactedAt, one.TopicIDs = model.DirectionInbound, model.SourceInbound, r.SentAt, nil
			if err := createRecord(ctx, tx, &one); err != nil {
				return err
			}
			m.RecordID = one.ID
		}
		_, err = tx.ExecContext(ctx, `UPDATE sms_replies SET contact_count = $1 WHERE id = $2`, len(matches), r.ID)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: receive reply: %w", err)
	}
	return matches, created, nil
}
