package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// ErrSettled is returned for a delivery that was already sent or failed.
var ErrSettled = errors.New("delivery already settled")

// CreateDelivery logs a delivery in state "sending" before the provider is
// called, so a crash mid-call leaves a trace rather than nothing; then,
// when not nil, runs in the same transaction (a WeCom message queues the
// job that follows it up).
func (s *Store) CreateDelivery(ctx context.Context, d *model.Delivery, then func(*sql.Tx) error) error {
	t := now()
	d.Status, d.Attempts, d.CreatedAt, d.UpdatedAt = model.DeliverySending, 1, t, t
	var deadline sql.NullTime
	if d.Deadline != nil {
		deadline = sql.NullTime{Time: dbTime(*d.Deadline), Valid: true}
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO deliveries (kind, provider, address, customer_id, contact_id, user_id,
			subject, body, status, attempts, created_at, updated_at, sender, deadline, pending)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14) RETURNING id`,
			d.Kind, d.Provider, d.Address, nullInt(d.CustomerID), nullInt(d.ContactID), nullInt(d.UserID), d.Subject, d.Body,
			d.Status, d.Attempts, t, d.Sender, deadline, d.Pending).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("store: create delivery: %w", err)
		}
		if then == nil {
			return nil
		}
		return then(tx)
	})
}

// AwaitDelivery marks a WeCom delivery created in the WeCom client, as
// task msgID: it waits for its member to confirm it until deadline.
func (s *Store) AwaitDelivery(ctx context.Context, d *model.Delivery, msgID string, deadline time.Time) error {
	t := now()
	deadline = dbTime(deadline)
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET status = $1, provider_message_id = $2, deadline = $3, updated_at = $4
		WHERE id = $5 AND status = $6`, model.DeliveryConfirming, msgID, deadline, t, d.ID, model.DeliverySending)
	if err != nil {
		return fmt.Errorf("store: await delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: await delivery %d: not in state sending", d.ID)
	}
	d.Status, d.ProviderMessageID, d.Deadline, d.UpdatedAt = model.DeliveryConfirming, msgID, &deadline, t
	return nil
}

// CompleteDelivery marks a delivery sent (from sending, or from awaiting
// its member's confirmation) and writes its contact record in the same
// transaction: a record exists exactly when the send succeeded (r is nil
// only when there is no customer left to write it for).
// A record made for a plan completes the plan (rolling a recurring plan to
// next) in that transaction too.
func (s *Store) CompleteDelivery(ctx context.Context, d *model.Delivery, r *model.Record, next *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		var recordID *int64
		if r != nil {
			if err := createRecord(ctx, tx, r); err != nil {
				return err
			}
			recordID = &r.ID
		}
		if r != nil && r.PlanID != nil {
			if err := completePlan(ctx, tx, *r.PlanID, r.ID, next, sched, false); err != nil {
				return err
			}
		}
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, provider_message_id = $2, record_id = $3,
			updated_at = $4 WHERE id = $5 AND status IN ($6, $7)`,
			model.DeliverySent, d.ProviderMessageID, nullInt(recordID), t, d.ID, model.DeliverySending, model.DeliveryConfirming)
		if err != nil {
			return fmt.Errorf("store: complete delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: complete delivery %d: %w", d.ID, ErrSettled)
		}
		d.Status, d.RecordID, d.UpdatedAt = model.DeliverySent, recordID, t
		return nil
	})
}

// FailDelivery marks a delivery that is not settled yet failed with its
// reason (ErrSettled when it was).
func (s *Store) FailDelivery(ctx context.Context, d *model.Delivery) error {
	t := now()
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET status = $1, reason = $2, detail = $3, updated_at = $4
		WHERE id = $5 AND status IN ($6, $7)`, model.DeliveryFailed, d.Reason, d.Detail, t, d.ID, model.DeliverySending,
		model.DeliveryConfirming)
	if err != nil {
		return fmt.Errorf("store: fail delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: fail delivery %d: %w", d.ID, ErrSettled)
	}
	d.Status, d.UpdatedAt = model.DeliveryFailed, t
	return nil
}

// FailStaleDeliveries marks deliveries left in "sending" before the given
// age (a process died mid-call) as failed with reason "outcome_unknown":
// they are never re-sent blindly. WeCom deliveries are left to their own
// poller, which tells the rep. It returns how many it marked.
func (s *Store) FailStaleDeliveries(ctx context.Context, olderThan time.Duration) (int64, error) {
	t := now()
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET status = $1, reason = $2, detail = $3, updated_at = $4
		WHERE status = $5 AND updated_at < $6 AND kind <> $7`, model.DeliveryFailed, model.FailOutcomeUnknown,
		"the process sending it stopped before the provider's answer was kept", t, model.DeliverySending, t.Add(-olderThan),
		model.ChannelWeCom)
	if err != nil {
		return 0, fmt.Errorf("store: fail stale deliveries: %w", err)
	}
	return res.RowsAffected()
}

// deliveryCols are the columns scanDelivery reads.
const deliveryCols = `id, kind, provider, address, customer_id, contact_id, user_id, subject, body, status, reason, detail,
	provider_message_id, record_id, attempts, created_at, updated_at, sender, deadline, pending`

func scanDelivery(row interface{ Scan(...any) error }) (*model.Delivery, error) {
	var d model.Delivery
	var cust, ct, user, rec sql.NullInt64
	var deadline sql.NullTime
	if err := row.Scan(&d.ID, &d.Kind, &d.Provider, &d.Address, &cust, &ct, &user, &d.Subject, &d.Body, &d.Status,
		&d.Reason, &d.Detail, &d.ProviderMessageID, &rec, &d.Attempts, &d.CreatedAt, &d.UpdatedAt, &d.Sender, &deadline,
		&d.Pending); err != nil {
		return nil, err
	}
	d.CustomerID, d.ContactID, d.UserID, d.RecordID, d.Deadline = intPtr(cust), intPtr(ct), intPtr(user), intPtr(rec), timePtr(deadline)
	return &d, nil
}

// DeliveryByID returns one delivery; ErrNotFound when there is none.
func (s *Store) DeliveryByID(ctx context.Context, id int64) (*model.Delivery, error) {
	d, err := scanDelivery(s.w.QueryRowContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return d, nil
}

// DeliveriesOfContact lists the latest deliveries to one contact.
func (s *Store) DeliveriesOfContact(ctx context.Context, contactID int64, limit int) ([]*model.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE contact_id = $1 ORDER BY id DESC LIMIT $2`,
		contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []*model.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
