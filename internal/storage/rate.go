package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A rate limit is one cell per key holding its theoretical arrival time
// (tat): the moment the messages reserved so far will have gone out at the
// limit's pace. The cell is changed in a transaction that locks it, so the
// limit holds across every worker of every process. Two lanes draw on one
// cell: the priority lane (single contacts, plan reminders) queues behind
// the tat and always gets its place; the bulk lane takes only what is free
// now, a slice at a time, so the priority lane never waits behind more than
// one slice of bulk work.

// ReserveRate takes n messages from key's limit of perSecond for the
// priority lane and returns how long to wait before sending them.
func (s *Store) ReserveRate(ctx context.Context, key string, n, perSecond int) (time.Duration, error) {
	if perSecond <= 0 {
		return s.heldFor(ctx, key)
	}
	var wait time.Duration
	err := s.rateCell(ctx, key, func(t, tat time.Time) time.Time {
		start := later(tat, t)
		wait = start.Sub(t)
		return start.Add(rateCost(n, perSecond))
	})
	if err != nil {
		return 0, fmt.Errorf("store: reserve rate: %w", err)
	}
	return wait, nil
}

// TakeRate takes up to n messages from key's limit of perSecond for the
// bulk lane: at most slice's worth of the rate (and at least one message),
// and only when nothing is queued ahead. It returns how many it took, and
// when it took none, how long until the limit has room.
func (s *Store) TakeRate(ctx context.Context, key string, n, perSecond int, slice time.Duration) (int, time.Duration, error) {
	if perSecond <= 0 {
		wait, err := s.heldFor(ctx, key)
		if wait > 0 || err != nil {
			return 0, wait, err
		}
		return n, 0, nil
	}
	n = max(1, min(n, int(float64(perSecond)*slice.Seconds())))
	took, wait := 0, time.Duration(0)
	err := s.rateCell(ctx, key, func(t, tat time.Time) time.Time {
		if tat.After(t) {
			wait = tat.Sub(t)
			return tat
		}
		took = n
		return t.Add(rateCost(n, perSecond))
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: take rate: %w", err)
	}
	return took, wait, nil
}

// ReturnRate gives back n messages taken from key's limit and not sent.
func (s *Store) ReturnRate(ctx context.Context, key string, n, perSecond int) error {
	if perSecond <= 0 || n <= 0 {
		return nil
	}
	err := s.rateCell(ctx, key, func(t, tat time.Time) time.Time {
		return later(tat.Add(-rateCost(n, perSecond)), t)
	})
	if err != nil {
		return fmt.Errorf("store: return rate: %w", err)
	}
	return nil
}

// HoldRate keeps key's limit closed for d from now, in both lanes: a
// provider that asks us to slow down gets a pause from every process.
func (s *Store) HoldRate(ctx context.Context, key string, d time.Duration) error {
	err := s.rateCell(ctx, key, func(t, tat time.Time) time.Time {
		return later(tat, t.Add(d))
	})
	if err != nil {
		return fmt.Errorf("store: hold rate: %w", err)
	}
	return nil
}

// heldFor returns how long key's cell stays closed, for a channel with no
// limit of its own: only a hold (HoldRate) closes it. It reads, so an
// unlimited channel costs no write per send.
func (s *Store) heldFor(ctx context.Context, key string) (time.Duration, error) {
	var tat time.Time
	err := s.r.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE key = $1`, key).Scan(&tat)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: rate hold: %w", err)
	}
	return max(0, tat.Sub(now())), nil
}

// rateCell runs next on key's cell, locked: it gets the time now and the
// cell's tat (now for a new cell) and returns the tat to store.
func (s *Store) rateCell(ctx context.Context, key string, next func(t, tat time.Time) time.Time) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		t := now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, t); err != nil {
			return err
		}
		lock := ""
		if s.dialect == Postgres {
			lock = " FOR UPDATE"
		}
		var tat time.Time
		if err := tx.QueryRowContext(ctx, `SELECT tat FROM rate_limits WHERE key = $1`+lock, key).Scan(&tat); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE rate_limits SET tat = $1 WHERE key = $2`, dbTime(next(t, tat)), key)
		return err
	})
}

// rateCost is how long n messages take at perSecond.
func rateCost(n, perSecond int) time.Duration {
	return time.Duration(float64(n) / float64(perSecond) * float64(time.Second))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
