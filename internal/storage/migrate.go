package storage

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

func (s *Store) migrationProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectPostgres
	if s.dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	return goose.NewProvider(dialect, s.w, sub)
}

// SchemaDigest returns a digest of dialect's migrations, names and
// contents: two databases migrated from the same digest have the same
// schema, so a migrated copy may stand in for a fresh migration.
func SchemaDigest(dialect Dialect) string {
	h := sha256.New()
	dir := "migrations/" + string(dialect)
	entries, err := migrationFiles.ReadDir(dir)
	if err != nil {
		panic(err) // the files are embedded at build time
	}
	for _, e := range entries {
		b, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Migrate applies every pending migration of the store's dialect, each in
// its own transaction, and returns how many ran. Concurrent callers on
// PostgreSQL are serialised by the migration lock (WithMigrationLock).
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	var n int
	err = s.WithMigrationLock(ctx, func(ctx context.Context) error {
		res, err := p.Up(ctx)
		n = len(res)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		return nil
	})
	return n, err
}

// migrationLockID is the PostgreSQL advisory lock held while migrating.
const migrationLockID = 7242001

// WithMigrationLock runs fn holding the database's migration lock, so that
// of several processes starting at once on one PostgreSQL database one
// migrates while the others wait, then find nothing left to do. Every
// schema change (Touchbase's and the job queue's) runs under it. On SQLite,
// where one serve process owns the file, fn simply runs.
func (s *Store) WithMigrationLock(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.dialect != Postgres {
		return fn(ctx)
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("store: migrate lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID) //nolint:errcheck
	return fn(ctx)
}

// MigrationStatus returns the current and the newest migration version.
func (s *Store) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, err := s.migrationProvider()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migration status: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}
