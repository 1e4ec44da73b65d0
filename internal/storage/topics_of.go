package storage

import (
	"context"
	"fmt"
)

// topicsOf reads the topic ids of the rows ids from a link table
// (table with columns col and topic_id), in one query: every id gets a
// list, empty when it has no topics, in topic order.
func (s *Store) topicsOf(ctx context.Context, table, col string, ids []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q := s.bulkQuery()
	q.Add(`SELECT `, col, `, topic_id FROM `, table, ` WHERE `, col, ` IN (`)
	for i, id := range ids {
		if i > 0 {
			q.Add(", ")
		}
		q.Add(q.Arg(id))
		out[id] = []int64{}
	}
	q.Add(`) ORDER BY `, col, `, topic_id`)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, topic int64
		if err := rows.Scan(&id, &topic); err != nil {
			return nil, fmt.Errorf("store: %s: %w", table, err)
		}
		out[id] = append(out[id], topic)
	}
	return out, rows.Err()
}
