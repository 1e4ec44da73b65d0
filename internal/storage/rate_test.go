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
