package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestReserveRateSpacesConcurrentSenders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		const workers, perWorker, n, rate = 4, 5, 10, 200 // 200 reservations of 10 at 200/s: 1 s of traffic
		var mu sync.Mutex
		var maxWait time.Duration
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perWorker; i++ {
					wait, err := s.ReserveRate(ctx, "channel:sms", n, rate)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					maxWait = max(maxWait, wait)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		// 20 reservations of 10 messages at 200/s span 1 s: the last one
		// must wait about 0.95 s (less what the reservations themselves took).
		if maxWait < 700*time.Millisecond || maxWait > 1100*time.Millisecond {
			t.Fatalf("longest wait %v, want about 950ms", maxWait)
		}
		if wait, err := s.ReserveRate(ctx, "channel:email", 1000, 0); err != nil || wait != 0 {
			t.Fatalf("no limit should not wait: %v %v", wait, err)
		}
	})
}

// TestBulkLaneLeavesThePriorityLaneItsPlace checks the two lanes of one
// limit: the bulk lane takes a slice of what is free now and nothing while
// anything is queued; the priority lane queues behind at most that slice;
// what bulk gives back and what a hold closes move the cell.
func TestBulkLaneLeavesThePriorityLaneItsPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		const key, rate, slice = "channel:sms", 10, 200 * time.Millisecond
		took, wait, err := s.TakeRate(ctx, key, 500, rate, slice)
		if err != nil || took != 2 || wait != 0 {
			t.Fatalf("first take = %d, %v, %v; want 2 (200 ms at 10/s), no wait", took, wait, err)
		}
		took, wait, err = s.TakeRate(ctx, key, 500, rate, slice)
		if err != nil || took != 0 || wait <= 0 || wait > slice {
			t.Fatalf("second take = %d, %v, %v; want none, a wait of at most %v", took, wait, err, slice)
		}
		// A single contact queues behind the slice bulk took, no more.
		pw, err := s.ReserveRate(ctx, key, 1, rate)
		if err != nil || pw <= 0 || pw > slice {
			t.Fatalf("priority wait %v, %v; want at most %v", pw, err, slice)
		}
		// Bulk gives back both messages it did not claim: the cell is at
		// the single's end, 100 ms ahead at most.
		if err := s.ReturnRate(ctx, key, 2, rate); err != nil {
			t.Fatal(err)
		}
		_, wait, _ = s.TakeRate(ctx, key, 500, rate, slice)
		if wait > 100*time.Millisecond {
			t.Fatalf("after the give-back bulk waits %v, want at most 100ms", wait)
		}
		// Giving back never moves the cell into the past.
		if err := s.ReturnRate(ctx, key, 1000, rate); err != nil {
			t.Fatal(err)
		}
		if took, wait, _ := s.TakeRate(ctx, key, 1, rate, slice); took != 1 || wait != 0 {
			t.Fatalf("after an oversized give-back: took %d, wait %v; want 1 at once", took, wait)
		}
		// A hold closes both lanes for its length.
		if err := s.HoldRate(ctx, key, time.Second); err != nil {
			t.Fatal(err)
		}
		if _, wait, _ := s.TakeRate(ctx, key, 1, rate, slice); wait < 800*time.Millisecond {
			t.Fatalf("bulk waits %v during a 1 s hold", wait)
		}
		if pw, _ := s.ReserveRate(ctx, key, 1, rate); pw < 800*time.Millisecond {
			t.Fatalf("priority waits %v during a 1 s hold", pw)
		}
		// No limit: everything asked for, at once.
		if took, wait, err := s.TakeRate(ctx, "channel:email", 500, 0, slice); took != 500 || wait != 0 || err != nil {
			t.Fatalf("unlimited take = %d, %v, %v", took, wait, err)
		}
	})
}
