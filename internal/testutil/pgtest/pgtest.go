// Package pgtest gives tests a PostgreSQL database of their own.
//
// Tests that need PostgreSQL read the server address from the environment
// variable TOUCHBASE_TEST_POSTGRES, a postgres:// URL such as
//
//	postgres://postgres@127.0.0.1:5432/touchbase_ci?sslmode=disable
//
// When the variable is unset the tests skip, so `go test ./...` works on a
// machine without PostgreSQL; .ci/run always sets it. The user in the URL
// must be allowed to create databases.
//
// FreshDatabase creates a new, uniquely named database for one test and drops
// it when the test ends, so tests in different packages that run at the same
// time never share tables:
//
//	func TestStore(t *testing.T) {
//		url := pgtest.FreshDatabase(t)
//		store, err := storage.Open(ctx, url)
//		...
//	}
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnvVar is the environment variable that holds the URL of the PostgreSQL
// server used by tests.
const EnvVar = "TOUCHBASE_TEST_POSTGRES"

// DatabasePrefix starts the name of every database that FreshDatabase
// creates, so that databases left behind by a killed test run are easy to
// find and drop.
const DatabasePrefix = "tb_test_"

// opTimeout bounds each administrative step (connect, create, drop).
const opTimeout = 30 * time.Second

// URL returns the value of TOUCHBASE_TEST_POSTGRES, or skips the test with
// "TOUCHBASE_TEST_POSTGRES not set" when it is empty.
//
// The URL points at a database shared by every test of the run; tests that
// create tables should use FreshDatabase instead.
func URL(t testing.TB) string {
	t.Helper()
	u := strings.TrimSpace(os.Getenv(EnvVar))
	if u == "" {
		t.Skip(EnvVar + " not set")
	}
	return u
}

// FreshDatabase creates an empty database with a unique name (DatabasePrefix
// followed by random hex and a hint of the test name) on the server of URL,
// registers a t.Cleanup that drops it WITH (FORCE), and returns a URL to it
// with the same user, host and options as TOUCHBASE_TEST_POSTGRES.
//
// It skips the test when TOUCHBASE_TEST_POSTGRES is not set and fails it when
// the server cannot be reached or the database cannot be created.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	return fromTemplate(t, "")
}

// databaseName returns a new database name: the prefix, 12 random hex digits
// and as much of the sanitized test name as fits in PostgreSQL's 63-byte
// identifier limit.
func databaseName(testName string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	name := DatabasePrefix + hex.EncodeToString(b[:])

	var hint strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			hint.WriteRune(r)
		case hint.Len() > 0 && !strings.HasSuffix(hint.String(), "_"):
			hint.WriteByte('_')
		}
	}
	h := strings.Trim(hint.String(), "_")
	if room := 63 - len(name) - 1; room > 0 && h != "" {
		if len(h) > room {
			h = strings.TrimRight(h[:room], "_")
		}
		name += "_" + h
	}
	return name
}

// withDatabase returns connString with its database replaced by name. It
// accepts postgres:// URLs and keyword/value strings ("host=... user=...").
func withDatabase(connString, name string) (string, error) {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err != nil {
			return "", fmt.Errorf("parse URL: %w", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	if strings.Contains(connString, "=") {
		// Later keywords override earlier ones.
		return connString + " dbname=" + name, nil
	}
	return "", errors.New("want a postgres:// URL")
}

// createDatabase runs CREATE DATABASE name on the server of admin. It retries
// for a while when PostgreSQL reports the template database busy, which can
// happen when many tests create databases at the same moment.
func createDatabase(ctx context.Context, admin, name string) error {
	return createDatabaseFrom(ctx, admin, name, "")
}

// createDatabaseFrom is createDatabase with a copy of template ("": the
// server's default, template1).
func createDatabaseFrom(ctx context.Context, admin, name, template string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())

	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		_, err = conn.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

// dropDatabase drops name, closing any connection the test left open.
func dropDatabase(ctx context.Context, admin, name string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// templateLockID is the advisory lock under which a template is built, so
// that of several test processes starting at once one builds it.
const templateLockID = 7242002

// built remembers the templates this process has made sure of.
var built sync.Map // name → struct{}

// Template makes sure the server of TOUCHBASE_TEST_POSTGRES has a template
// database called name, calling build with the URL of an empty database
// to fill it when it does not (build must close its connections before it
// returns), and returns name. The template is kept for later runs: name
// should change whenever what build makes would, e.g. by holding a digest
// of the schema. Of several processes that need it at once one builds it
// and the others wait; a build that died halfway is started again.
//
// It skips the test when TOUCHBASE_TEST_POSTGRES is not set.
func Template(t testing.TB, name string, build func(url string) error) string {
	t.Helper()
	admin := URL(t)
	if _, ok := built.Load(name); ok {
		return name
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*opTimeout)
	defer cancel()
	if err := ensureTemplate(ctx, admin, name, build); err != nil {
		t.Fatalf("pgtest: template %s: %v", name, err)
	}
	built.Store(name, struct{}{})
	return name
}

func ensureTemplate(ctx context.Context, admin, name string, build func(url string) error) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockID); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", templateLockID) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		return err
	}
	// Built under another name and renamed when whole: a process that
	// dies halfway leaves no template that looks finished.
	draft := name + "_draft"
	if err := dropDatabase(ctx, admin, draft); err != nil {
		return err
	}
	if err := createDatabase(ctx, admin, draft); err != nil {
		return err
	}
	draftURL, err := withDatabase(admin, draft)
	if err != nil {
		return err
	}
	if err := build(draftURL); err != nil {
		dropDatabase(context.Background(), admin, draft) //nolint:errcheck
		return err
	}
	for _, stmt := range []string{
		"ALTER DATABASE " + pgx.Identifier{draft}.Sanitize() + " RENAME TO " + pgx.Identifier{name}.Sanitize(),
		"ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// FromTemplate is FreshDatabase with a copy of the template database
// (see Template) instead of an empty one.
func FromTemplate(t testing.TB, template string) string {
	t.Helper()
	return fromTemplate(t, template)
}

// fromTemplate creates a database copied from template ("": the server's
// default) and drops it when the test ends.
func fromTemplate(t testing.TB, template string) string {
	t.Helper()
	admin := URL(t)
	name := databaseName(t.Name())
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvVar, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := createDatabaseFrom(ctx, admin, name, template); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := dropDatabase(ctx, admin, name); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return dbURL
}
