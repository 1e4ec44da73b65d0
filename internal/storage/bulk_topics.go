package storage

import (
	"context"
	"fmt"

	"touchbase/internal/model"
)

// FillBulkSendTopics sets the TopicIDs of each send (ListBulkSends leaves
// them out), in one query; a send without topics gets an empty list.
func (s *Store) FillBulkSendTopics(ctx context.Context, sends []*model.BulkSend) error {
	if len(sends) == 0 {
		return nil
	}
	byID := make(map[int64]*model.BulkSend, len(sends))
	ids := make([]int64, 0, len(sends))
	for _, b := range sends {
		b.TopicIDs = []int64{}
		byID[b.ID] = b
		ids = append(ids, b.ID)
	}
	var q Query
	q.Add(`SELECT bulk_send_id, topic_id FROM bulk_send_topics WHERE bulk_send_id IN (`, placeholderList(&q, ids),
		`) ORDER BY bulk_send_id, topic_id`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return fmt.Errorf("store: bulk send topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, topic int64
		if err := rows.Scan(&id, &topic); err != nil {
			return fmt.Errorf("store: bulk send topics: %w", err)
		}
		if b := byID[id]; b != nil {
			b.TopicIDs = append(b.TopicIDs, topic)
		}
	}
	return rows.Err()
}
