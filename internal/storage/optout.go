package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"touchbase/internal/model"
)

// optOutColumns names, per channel, a contact's address, opt-out flag, and
// the time and source kept with the flag.
var optOutColumns = map[string][4]string{
	model.ChannelSMS:   {"mobile", "opt_out_sms", "opt_out_sms_at", "opt_out_sms_source"},
	model.ChannelEmail: {"email", "opt_out_email", "opt_out_email_at", "opt_out_email_source"},
}

// SetOptOut turns on the opt-out of o.Channel for the contact o names (or,
// without a contact, for every contact with the address), stamping it with
// o.At and o.Source, and writes o.Record as an inbound record of each
// contact it changed, all in one transaction. Contacts already opted out
// are left as they are and get no record, so a repeated opt-out changes
// nothing. It returns the ids of the contacts it changed.
func (s *Store) SetOptOut(ctx context.Context, o model.OptOut) ([]int64, error) {
	cols, ok := optOutColumns[o.Channel]
	if !ok {
		return nil, model.NewFieldError("channel", "invalid", "no opt-out for channel "+o.Channel)
	}
	if !slices.Contains(model.OptOutSources, o.Source) {
		return nil, model.NewFieldError("source", "invalid", "unknown opt-out source "+o.Source)
	}
	addr := strings.TrimSpace(o.Address)
	if o.ContactID == 0 && addr == "" {
		return nil, model.NewFieldError("contact_id", "required", "a contact or an address is needed")
	}
	at := o.At
	if at.IsZero() {
		at = time.Now()
	}
	at = dbTime(at)
	var changed []int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var q Query
		q.Add(`UPDATE contacts SET `, cols[1], ` = TRUE, `, cols[2], ` = `, q.Arg(at), `, `, cols[3], ` = `, q.Arg(o.Source),
			`, updated_at = `, q.Arg(now()), ` WHERE NOT `, cols[1])
		if o.ContactID != 0 {
			q.Add(` AND id = `, q.Arg(o.ContactID))
		}
		if addr != "" {
			if o.Channel == model.ChannelEmail {
				q.Add(` AND lower(email) = `, q.Arg(strings.ToLower(addr)))
			} else {
				q.Add(` AND mobile = `, q.Arg(addr))
			}
		}
		q.Add(` RETURNING id, customer_id, `, cols[0])
		rows, err := tx.QueryContext(ctx, q.SQL(), q.Args()...)
		if err != nil {
			return err
		}
		type hit struct {
			id, customer int64
			address      string
		}
		var hits []hit
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.customer, &h.address); err != nil {
				rows.Close()
				return err
			}
			hits = append(hits, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, h := range hits {
			changed = append(changed, h.id)
			if o.Record == nil {
				continue
			}
			r := *o.Record
			r.ID, r.CustomerID, r.ContactID, r.Channel, r.Address = 0, h.customer, &h.id, o.Channel, h.address
			r.Direction, r.ContactedAt, r.TopicIDs = model.DirectionInbound, at, nil
			if r.Source == "" {
				r.Source = model.SourceInbound
			}
			if err := createRecord(ctx, tx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: set opt-out: %w", err)
	}
	return changed, nil
}

// optOutBy is the source an opt-out ct turns on is kept with.
func optOutBy(ct *model.Contact) string {
	if ct.OptOutBy != "" {
		return ct.OptOutBy
	}
	return model.OptOutByManual
}

// optOutStamp is the time and source stored with an opt-out flag: t and by
// when it is on, nothing when it is off.
func optOutStamp(on bool, t time.Time, by string) (sql.NullTime, string) {
	if !on {
		return sql.NullTime{}, ""
	}
	return sql.NullTime{Time: t, Valid: true}, by
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}
