// Package storetest opens migrated stores for tests: SQLite always, and
// PostgreSQL when TOUCHBASE_TEST_POSTGRES is set, so every storage test runs
// the same code against both dialects.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/testutil/pgtest"
)

// SQLite returns a migrated store on a fresh SQLite file.
func SQLite(t testing.TB) *storage.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "touchbase.db"))
}

// Postgres returns a migrated store on a fresh PostgreSQL database, or skips
// the test when TOUCHBASE_TEST_POSTGRES is not set.
func Postgres(t testing.TB) *storage.Store {
	t.Helper()
	return open(t, pgtest.FreshDatabase(t))
}

func open(t testing.TB, dsn string) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Each runs fn as a subtest on every available dialect ("sqlite" and
// "postgres"), each with a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
