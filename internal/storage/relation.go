package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
)

// SetRelation makes a user participant or sharer of a customer, replacing
// any earlier relation of that user to that customer.
func (s *Store) SetRelation(ctx context.Context, r *model.Relation) error {
	return setRelation(ctx, s.w, r)
}

func setRelation(ctx context.Context, db querier, r *model.Relation) error {
	t := now()
	_, err := db.ExecContext(ctx, `INSERT INTO customer_relations (customer_id, user_id, kind, created_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (customer_id, user_id) DO UPDATE SET kind = excluded.kind`,
		r.CustomerID, r.UserID, r.Kind, t)
	if err != nil {
		if isForeignKeyViolation(err) {
			return model.NewFieldError("user_id", "not_found", "user or customer does not exist")
		}
		return fmt.Errorf("store: set relation: %w", err)
	}
	r.CreatedAt = t
	return nil
}

// DeleteRelation removes a user's relation to a customer.
func (s *Store) DeleteRelation(ctx context.Context, customerID, userID int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM customer_relations WHERE customer_id = $1 AND user_id = $2`, customerID, userID)
	if err != nil {
		return fmt.Errorf("store: delete relation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// Relations lists the participants and sharers of a customer.
func (s *Store) Relations(ctx context.Context, customerID int64) ([]*model.Relation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.customer_id, r.user_id, r.kind, COALESCE(NULLIF(u.display_name, ''), u.username),
		r.created_at FROM customer_relations r JOIN users u ON u.id = r.user_id
		WHERE r.customer_id = $1 ORDER BY r.kind, u.username`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: relations: %w", err)
	}
	defer rows.Close()
	var out []*model.Relation
	for rows.Next() {
		var r model.Relation
		if err := rows.Scan(&r.CustomerID, &r.UserID, &r.Kind, &r.UserName, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}
