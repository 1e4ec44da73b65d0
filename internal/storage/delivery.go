package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// CreateDelivery logs a delivery in state "sending" before the provider is
// called, so a crash mid-call leaves a trace rather than nothing.
func (s *Store) CreateDelivery(ctx context.Context, d *model.Delivery) error {
	t := now()
	d.Status, d.Attempts, d.CreatedAt, d.UpdatedAt = model.DeliverySending, 1, t, t
	err := s.w.QueryRowContext(ctx, `INSERT INTO deliveries (kind, provider, address, customer_id, contact_id, user_id,
		subject, body, status, attempts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		d.Kind, d.Provider, d.Address, nullInt(d.CustomerID), nullInt(d.ContactID), nullInt(d.UserID), d.Subject, d.Body,
		d.Status, d.Attempts, t).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: create delivery: %w", err)
	}
	return nil
}

// CompleteDelivery marks a delivery sent and writes its contact record in
// the same transaction: a record exists exactly when the send succeeded.
// A record made for a plan completes the plan (rolling a recurring plan to
// next) in that transaction too.
func (s *Store) CompleteDelivery(ctx context.Context, d *model.Delivery, r *model.Record, next *model.Plan, sched PlanScheduler) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := createRecord(ctx, tx, r); err != nil {
			return err
		}
		if r.PlanID != nil {
			if err := completePlan(ctx, tx, *r.PlanID, r.ID, next, sched, false); err != nil {
				return err
			}
		}
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, provider_message_id = $2, record_id = $3,
			updated_at = $4 WHERE id = $5 AND status = $6`,
			model.DeliverySent, d.ProviderMessageID, r.ID, t, d.ID, model.DeliverySending)
		if err != nil {
			return fmt.Errorf("store: complete delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: complete delivery %d: not in state sending", d.ID)
		}
		d.Status, d.RecordID, d.UpdatedAt = model.DeliverySent, &r.ID, t
		return nil
	})
}

// FailDelivery marks a delivery failed with its reason.
func (s *Store) FailDelivery(ctx context.Context, d *model.Delivery) error {
	t := now()
	_, err := s.w.ExecContext(ctx, `UPDATE deliveries SET status = $1, reason = $2, detail = $3, updated_at = $4
		WHERE id = $5`, model.DeliveryFailed, d.Reason, d.Detail, t, d.ID)
	if err != nil {
		return fmt.Errorf("store: fail delivery: %w", err)
	}
	d.Status, d.UpdatedAt = model.DeliveryFailed, t
	return nil
}

// FailStaleDeliveries marks deliveries left in "sending" before the given
// age (a process died mid-call) as failed with reason "outcome_unknown":
// they are never re-sent blindly. It returns how many it marked.
func (s *Store) FailStaleDeliveries(ctx context.Context, olderThan time.Duration) (int64, error) {
	t := now()
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET status = $1, reason = 'outcome_unknown', updated_at = $2
		WHERE status = $3 AND updated_at < $4`, model.DeliveryFailed, t, model.DeliverySending,
		t.Add(-olderThan))
	if err != nil {
		return 0, fmt.Errorf("store: fail stale deliveries: %w", err)
	}
	return res.RowsAffected()
}

// DeliveriesOfContact lists the latest deliveries to one contact.
func (s *Store) DeliveriesOfContact(ctx context.Context, contactID int64, limit int) ([]*model.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, provider, address, customer_id, contact_id, user_id, subject, body,
		status, reason, detail, provider_message_id, record_id, attempts, created_at, updated_at
		FROM deliveries WHERE contact_id = $1 ORDER BY id DESC LIMIT $2`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []*model.Delivery
	for rows.Next() {
		var d model.Delivery
		var cust, ct, user, rec sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Kind, &d.Provider, &d.Address, &cust, &ct, &user, &d.Subject, &d.Body, &d.Status,
			&d.Reason, &d.Detail, &d.ProviderMessageID, &rec, &d.Attempts, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, err
		}
		d.CustomerID, d.ContactID, d.UserID, d.RecordID = intPtr(cust), intPtr(ct), intPtr(user), intPtr(rec)
		out = append(out, &d)
	}
	return out, rows.Err()
}
