package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/config"
	"touchbase/internal/storage"
)

const backupUsage = "usage: touchbase backup [--db sqlite:PATH] FILE"

// runBackup copies the SQLite database to a new file while serve runs.
// PostgreSQL is backed up with pg_dump (docs/deploy.md).
func runBackup(ctx context.Context, e env, args []string) error {
	o := config.Defaults()
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, backupUsage)
		fmt.Fprintln(e.stderr, "Writes a consistent copy of the SQLite database to FILE, which must not exist, while serve runs.")
		fs.PrintDefaults()
	}
	if err := parseOptions(e, fs, args, &o); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dest := fs.Arg(0)
	src, ok := strings.CutPrefix(o.DB, "sqlite:")
	if !ok {
		return errors.New("the database is PostgreSQL, which this command does not copy: back it up with pg_dump, " +
			"for example pg_dump --format=custom --file=touchbase.dump \"$DATABASE_URL\" (see docs/deploy.md)")
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("no SQLite database to back up at %s: %w", src, err)
	}
	s, err := storage.Open(ctx, o.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if err := s.Backup(ctx, dest); err != nil {
		return err
	}
	size := ""
	if fi, err := os.Stat(dest); err == nil {
		size = fmt.Sprintf(", %.1f MB", float64(fi.Size())/1e6)
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%s%s)\n", src, dest, time.Since(start).Round(time.Millisecond), size)
	key := channel.SecretKeyEnv + "_FILE"
	if o.SecretKey == "" {
		key = filepath.Join(o.DataDir, channel.SecretKeyFile)
	}
	fmt.Fprintf(e.stdout, "Channel secrets in it are sealed with the secret key (%s): keep a copy of the key, apart from the backup.\n", key)
	return nil
}
