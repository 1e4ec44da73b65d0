package registry

import (
	"context"
	"time"

	"touchbase/internal/channel"
)

// BulkSlice is the most a bulk dispatch takes of a channel's rate limit at
// once: a single contact sent meanwhile waits at most this long behind
// bulk work on the same channel.
const BulkSlice = 200 * time.Millisecond

// rateKey names kind's limit cell.
func rateKey(kind channel.Kind) string { return "channel:" + string(kind) }

// Throttle waits until n messages of kind may go out under the channel's
// rate limit (messages per second; 0: none), ahead of bulk work: single
// contacts and plan reminders go through it. The limit is kept in the
// database, so single contacts, bulk sends and every process share it.
func (r *Registry) Throttle(ctx context.Context, kind channel.Kind, n, perSecond int) error {
	wait, err := r.store.ReserveRate(ctx, rateKey(kind), n, perSecond)
	if err != nil {
		return err
	}
	return sleep(ctx, wait)
}

// TakeBulk waits until kind's rate limit has room and takes up to n
// messages of it for bulk dispatch, at most BulkSlice's worth; it returns
// how many it took. What is not sent is given back with GiveBack.
func (r *Registry) TakeBulk(ctx context.Context, kind channel.Kind, n, perSecond int) (int, error) {
	for {
		took, wait, err := r.store.TakeRate(ctx, rateKey(kind), n, perSecond, BulkSlice)
		if err != nil || took > 0 {
			return took, err
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
}

// GiveBack returns n messages taken by TakeBulk and not sent.
func (r *Registry) GiveBack(ctx context.Context, kind channel.Kind, n, perSecond int) error {
	return r.store.ReturnRate(ctx, rateKey(kind), n, perSecond)
}

// Hold closes kind's rate limit for d, for every sender of every process:
// what a provider that asks us to slow down gets.
func (r *Registry) Hold(ctx context.Context, kind channel.Kind, d time.Duration) error {
	return r.store.HoldRate(ctx, rateKey(kind), d)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
