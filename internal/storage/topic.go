package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
)

func topicWriteError(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %w", model.ErrConflict, model.NewFieldError("name", "taken", "a topic with this name exists"))
	}
	return fmt.Errorf("store: write topic: %w", err)
}

// CreateTopic inserts t.
func (s *Store) CreateTopic(ctx context.Context, t *model.Topic) error {
	return createTopic(ctx, s.w, t)
}

func createTopic(ctx context.Context, db querier, t *model.Topic) error {
	ts := now()
	err := db.QueryRowContext(ctx, `INSERT INTO topics (name, name_en, sort_order, active, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, t.Name, t.NameEN, t.SortOrder, t.Active, ts).Scan(&t.ID)
	if err != nil {
		return topicWriteError(err)
	}
	t.CreatedAt = ts
	return nil
}

// UpdateTopic saves a topic.
func (s *Store) UpdateTopic(ctx context.Context, t *model.Topic) error {
	res, err := s.w.ExecContext(ctx, `UPDATE topics SET name = $1, name_en = $2, sort_order = $3, active = $4 WHERE id = $5`,
		t.Name, t.NameEN, t.SortOrder, t.Active, t.ID)
	if err != nil {
		return topicWriteError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// TopicByID returns one topic.
func (s *Store) TopicByID(ctx context.Context, id int64) (*model.Topic, error) {
	var t model.Topic
	err := s.r.QueryRowContext(ctx, `SELECT id, name, name_en, sort_order, active, created_at FROM topics WHERE id = $1`, id).
		Scan(&t.ID, &t.Name, &t.NameEN, &t.SortOrder, &t.Active, &t.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// ListTopics returns topics in their sort order; activeOnly hides retired ones.
func (s *Store) ListTopics(ctx context.Context, activeOnly bool) ([]*model.Topic, error) {
	q := `SELECT id, name, name_en, sort_order, active, created_at FROM topics`
	if activeOnly {
		q += ` WHERE active = TRUE`
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list topics: %w", err)
	}
	defer rows.Close()
	var out []*model.Topic
	for rows.Next() {
		var t model.Topic
		if err := rows.Scan(&t.ID, &t.Name, &t.NameEN, &t.SortOrder, &t.Active, &t.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}
