package record

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// ListNewer returns the page of visible records just newer than the cursor
// — the previous page of List — newest first, and whether still newer
// records exist.
func (s *Service) ListNewer(ctx context.Context, p permission.Policy, f storage.RecordFilter, before storage.RecordCursor) ([]*model.Record, bool, error) {
	return s.store.ListRecordsNewer(ctx, p, f, before)
}
