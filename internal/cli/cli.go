// Package cli holds the touchbase subcommands: serve, migrate, user, token,
// import, backup, healthcheck and version. Each parses its own flags into
// config.Options and builds what it needs; nothing is global.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"touchbase/internal/config"
	"touchbase/internal/jobs"
	"touchbase/internal/storage"
)

// env bundles a command's standard streams and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

var commands = map[string]command{
	"serve":       {"run the web UI, the JSON API and the workers", runServe},
	"migrate":     {"apply database migrations and exit", runMigrate},
	"user":        {"manage users: add, set-password, list", runUser},
	"token":       {"create an API token for a user", runToken},
	"import":      {"import data: import customers FILE.csv", runImport},
	"backup":      {"copy the SQLite database to FILE while serve runs", runBackup},
	"version":     {"print the version, commit and Go version", runVersion},
	"healthcheck": {"check that serve on this machine answers /healthz", runHealthcheck},
}

// errUsage marks an error already explained to the user with usage text.
var errUsage = errors.New("usage")

// Main runs the command line of the process and returns its exit code;
// SIGINT and SIGTERM cancel the command's context (graceful shutdown).
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// Run executes the subcommand named by args[0] and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "touchbase: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "touchbase %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: touchbase <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'touchbase <command> -h' for a command's flags.")
}

// parseOptions parses the shared flags (plus any the caller defined on fs).
func parseOptions(e env, fs *flag.FlagSet, args []string, o *config.Options) error {
	fs.SetOutput(e.stderr)
	o.Register(fs, e.getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return o.Finish()
}

func newLogger(o config.Options, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(o.LogLevel)))
	opts := &slog.HandlerOptions{Level: lvl}
	if o.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, o config.Options, log *slog.Logger) (*storage.Store, error) {
	s, err := storage.Open(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	n, err := migrateStore(ctx, s)
	if err != nil {
		s.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("applied migrations", "count", n, "dialect", s.Dialect())
	}
	return s, nil
}

// migrateStore applies Touchbase's migrations, then the job queue's, and
// returns how many of Touchbase's ran. Each set runs under the database's
// migration lock: of several nodes starting at once, one migrates and the
// others find nothing left to do.
func migrateStore(ctx context.Context, s *storage.Store) (int, error) {
	n, err := s.Migrate(ctx)
	if err != nil {
		return n, err
	}
	return n, jobs.Migrate(ctx, s)
}
