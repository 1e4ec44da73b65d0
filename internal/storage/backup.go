package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// (pg_dump) make its backups.
var ErrBackupPostgres = errors.New("store: backup: the database is PostgreSQL; use pg_dump")

// Backup writes a consistent copy of the SQLite database to path, a file
// that must not exist yet, while other connections and processes go on
// reading and writing: VACUUM INTO copies one read snapshot, compacted.
// The copy is created with mode 0600 and checked before Backup returns;
// a copy that failed is removed.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	// VACUUM INTO accepts an existing empty file: creating it here refuses
	// to overwrite anything and keeps the copy private from the start.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s exists already; choose a new file name", path)
		}
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := s.vacuumInto(ctx, path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

func (s *Store) vacuumInto(ctx context.Context, path string) error {
	// On the write connection (the readers are query-only, which VACUUM
	// INTO refuses), outside any transaction: the copy is a read of one
	// snapshot, and other processes' writers go on while it runs.
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// The path is escaped as Open escapes it ("#" or "?" in a file name).
	dup, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return fmt.Errorf("store: backup: open the copy: %w", err)
	}
	defer dup.Close()
	var verdict string
	if err := dup.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&verdict); err != nil {
		return fmt.Errorf("store: backup: check the copy: %w", err)
	}
	if verdict != "ok" {
		return fmt.Errorf("store: backup: the copy fails its check: %s", verdict)
	}
	return nil
}
