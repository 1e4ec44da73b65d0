package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// TestBackupWhileWriting: a backup taken while another process writes is
// a consistent database holding everything written before it began;
// restored into a data directory, the commands read it.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCmd(t, dir, "long enough pw\n", "user", "add", "--role", "admin", "boss"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	ctx := context.Background()
	s, err := storage.Open(ctx, "sqlite:"+filepath.Join(dir, "touchbase.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const before = 300
	for i := range before {
		if err := s.CreateCustomer(ctx, &model.Customer{Name: fmt.Sprint("客户 ", i), Code: fmt.Sprint("B", i)}); err != nil {
			t.Fatal(err)
		}
	}

	// A writer goes on adding customers throughout the backup.
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	var written atomic.Int64
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			if err := s.CreateCustomer(ctx, &model.Customer{Name: "during", Code: fmt.Sprint("D", i)}); err != nil {
				writerDone <- err
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	atStart := written.Load()
	code, out, errOut := runCmd(t, dir, "", "backup", dest)
	atEnd := written.Load()
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatalf("the writer failed during the backup: %v", err)
	}
	if code != 0 || !strings.Contains(out, "backed up") || !strings.Contains(out, "secret key") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, errOut)
	}
	if atEnd == atStart {
		t.Fatal("no write happened during the backup")
	}
	if fi, err := os.Stat(dest); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}

	// Restore: the backup becomes the database of a new data directory
	// (with the key that sealed it).
	restored := t.TempDir()
	copyFile(t, dest, filepath.Join(restored, "touchbase.db"))
	copyFile(t, filepath.Join(dir, "secret.key"), filepath.Join(restored, "secret.key"))
	if code, out, errOut := runCmd(t, restored, "", "user", "list"); code != 0 || !strings.Contains(out, "boss") {
		t.Fatalf("user list on the restored database: %d\n%s\n%s", code, out, errOut)
	}
	r, err := storage.Open(ctx, "sqlite:"+filepath.Join(restored, "touchbase.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var all, first, during int64
	if err := r.ReadDB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE code LIKE 'B%'),
		count(*) FILTER (WHERE code LIKE 'D%') FROM customers`).Scan(&all, &first, &during); err != nil {
		t.Fatal(err)
	}
	// A write counted by atEnd may have committed just before (one more).
	if first != before || during < atStart || during > atEnd+1 {
		t.Fatalf("restored %d customers written before and %d during the backup; want %d, and between %d and %d",
			first, during, before, atStart, atEnd+1)
	}
	var integrity string
	if err := r.ReadDB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity check of the restored database: %q %v", integrity, err)
	}

	// A backup never overwrites a file.
	if code, _, errOut := runCmd(t, dir, "", "backup", dest); code != 1 || !strings.Contains(errOut, "exists already") {
		t.Fatalf("backup onto an existing file: %d %s", code, errOut)
	}
}

// TestBackupRefusals: PostgreSQL is pointed to pg_dump without the
// password shown or a connection tried; a missing database or file name
// is an error.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "x.db")
	code, _, errOut := runCmd(t, dir, "", "backup", "--db", "postgres://tb:Pa55-word-xyz@127.0.0.1:1/tb", dest)
	if code != 1 || !strings.Contains(errOut, "pg_dump") || strings.Contains(errOut, "Pa55-word-xyz") {
		t.Fatalf("backup of PostgreSQL: %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, dir, "", "backup", dest); code != 1 || !strings.Contains(errOut, "no SQLite database") {
		t.Fatalf("backup of a missing database: %d %s", code, errOut)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Fatal("a failed backup left a file")
	}
	if code, _, _ := runCmd(t, dir, "", "backup"); code != 2 {
		t.Fatalf("backup without a file name exited %d", code)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
