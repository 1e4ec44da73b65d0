package registry

import (
	"context"
	"time"

	"touchbase/internal/channel"
)

// Throttle waits until n messages of kind may go out under the channel's
// rate limit (messages per second; 0: none). The limit is kept in the
// database, so single contacts, bulk sends and every process share it.
func (r *Registry) Throttle(ctx context.Context, kind channel.Kind, n, perSecond int) error {
	wait, err := r.store.ReserveRate(ctx, "channel:"+string(kind), n, perSecond)
	if err != nil || wait <= 0 {
		return err
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
