// Package storetest opens migrated stores for tests: SQLite always, and
// PostgreSQL when TOUCHBASE_TEST_POSTGRES is set, so every storage test runs
// the same code against both dialects.
//
// Each store is a copy of one migrated per schema, Touchbase's and the job
// queue's as serve migrates them (a file beside the system's temporary
// files for SQLite, a template database for PostgreSQL, both named after
// the schema), not migrated anew: under the race detector migrating takes
// about two seconds per store, and a run opens well over a thousand.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"touchbase/internal/jobs"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/pgtest"
)

// SQLite returns a migrated store on a fresh SQLite file.
func SQLite(t testing.TB) *storage.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "touchbase.db")
	if err := copyFile(sqliteTemplate(t), path); err != nil {
		t.Fatalf("storetest: copy the migrated SQLite file: %v", err)
	}
	return open(t, "sqlite:"+path)
}

// Postgres returns a migrated store on a fresh PostgreSQL database, or skips
// the test when TOUCHBASE_TEST_POSTGRES is not set.
func Postgres(t testing.TB) *storage.Store {
	t.Helper()
	tpl := pgtest.Template(t, "tb_schema_"+schema(storage.Postgres), func(url string) error {
		s, err := storage.Open(context.Background(), url)
		if err != nil {
			return err
		}
		defer s.Close()
		return migrate(s)
	})
	return open(t, pgtest.FromTemplate(t, tpl))
}

// migrate migrates s as serve does: Touchbase's tables, then the job
// queue's.
func migrate(s *storage.Store) error {
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	return jobs.Migrate(ctx, s)
}

// schema names the schema of dialect, Touchbase's and the job queue's.
func schema(dialect storage.Dialect) string {
	sum := sha256.Sum256([]byte(storage.SchemaDigest(dialect) + jobs.SchemaDigest(dialect)))
	return hex.EncodeToString(sum[:8])
}

// open opens dsn and migrates it, which for a copy of a migrated store
// only checks that nothing is left to do.
func open(t testing.TB, dsn string) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if n, err := s.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the copy of a migrated store: %d migrations ran, %v", n, err)
	}
	return s
}

var sqliteOnce struct {
	sync.Mutex
	path string
}

// sqliteTemplate returns the path of a migrated SQLite file of the current
// schema, making it when no process has yet.
func sqliteTemplate(t testing.TB) string {
	t.Helper()
	sqliteOnce.Lock()
	defer sqliteOnce.Unlock()
	if sqliteOnce.path != "" {
		return sqliteOnce.path
	}
	path := filepath.Join(os.TempDir(), "touchbase-test-schema-"+schema(storage.SQLite)+".db")
	if _, err := os.Stat(path); err != nil {
		if err := buildSQLiteTemplate(path); err != nil {
			t.Fatalf("storetest: migrated SQLite file: %v", err)
		}
	}
	sqliteOnce.path = path
	return path
}

// buildSQLiteTemplate migrates a new file and puts a copy of it at path,
// by a rename, so a process that reads path never sees half a file.
func buildSQLiteTemplate(path string) error {
	dir, err := os.MkdirTemp(filepath.Dir(path), "touchbase-test-schema-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := storage.Open(ctx, "sqlite:"+filepath.Join(dir, "build.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := migrate(s); err != nil {
		return err
	}
	copied := filepath.Join(dir, "copy.db")
	if err := s.Backup(ctx, copied); err != nil {
		return err
	}
	if err := os.Rename(copied, path); err != nil {
		return fmt.Errorf("put the migrated file in place: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// Each runs fn as a subtest on every available dialect ("sqlite" and
// "postgres"), each with a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
