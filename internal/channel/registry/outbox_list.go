package registry

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Outbox lists the messages the outbox channel kept instead of sending,
// newest first. Callers decide who may read them (administrators).
func (r *Registry) Outbox(ctx context.Context, f storage.OutboxFilter) ([]*model.OutboxMessage, error) {
	return r.store.ListOutbox(ctx, f)
}
