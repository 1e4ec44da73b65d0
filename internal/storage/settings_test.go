package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestInitSettingFirstWins: of writers racing to initialise one setting,
// exactly one value is stored and every writer is told that value.
func TestInitSettingFirstWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		const n = 8
		got := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = s.InitSetting(ctx, "test.first", fmt.Sprint("value-", i))
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if got[i] != got[0] {
				t.Fatalf("writer %d saw %q, writer 0 saw %q", i, got[i], got[0])
			}
		}
		if v, ok, err := s.Setting(ctx, "test.first"); err != nil || !ok || v != got[0] {
			t.Fatalf("stored %q %v %v, want %q", v, ok, err, got[0])
		}
		if v, err := s.InitSetting(ctx, "test.first", "later"); err != nil || v != got[0] {
			t.Fatalf("a later init replaced the value: %q %v", v, err)
		}
	})
}
