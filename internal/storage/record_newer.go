package storage

import (
	"context"
	"fmt"
	"slices"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// ListRecordsNewer returns the page of records just newer than the cursor —
// the previous page of a list walked with ListRecords — newest first, and
// whether still newer records exist. f.After is ignored. Like ListRecords
// it seeks by (contacted_at, id) and never skips rows with OFFSET.
func (s *Store) ListRecordsNewer(ctx context.Context, p permission.Policy, f RecordFilter, before RecordCursor) ([]*model.Record, bool, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	f.After = nil
	out, err := s.recordPage(ctx, p, &f, pageSpec{asc: true, cond: func(q *Query) {
		keyset(q, s.dialect, `r.contacted_at`, `r.id`, `>`, before.ContactedAt, before.ID)
	}})
	if err != nil {
		return nil, false, fmt.Errorf("store: list newer records: %w", err)
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	slices.Reverse(out)
	return out, more, s.loadRecordTopics(ctx, out)
}
