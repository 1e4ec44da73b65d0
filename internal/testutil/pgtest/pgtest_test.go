package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// skipRecorder is a testing.TB whose Skip records the message and stops the
// caller, so the test of URL can check the skip without being skipped itself.
type skipRecorder struct {
	testing.TB
	skipped string
}

type skipSignal struct{}

func (s *skipRecorder) Skip(args ...any) {
	s.skipped = fmt.Sprint(args...)
	panic(skipSignal{})
}

func callRecovering(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(skipSignal); !ok {
				panic(r)
			}
		}
	}()
	f()
}

func TestURLSkipsWhenUnset(t *testing.T) {
	t.Setenv(EnvVar, "")
	rec := &skipRecorder{TB: t}
	got := "unchanged"
	callRecovering(func() { got = URL(rec) })
	if rec.skipped != "TOUCHBASE_TEST_POSTGRES not set" {
		t.Fatalf("URL with the variable unset: skip message %q, want %q", rec.skipped, "TOUCHBASE_TEST_POSTGRES not set")
	}
	if got != "unchanged" {
		t.Fatalf("URL returned %q after skipping", got)
	}
}

func TestURLReturnsVariable(t *testing.T) {
	const want = "postgres://u@db.example:5433/x?sslmode=disable"
	t.Setenv(EnvVar, " "+want+"\n")
	if got := URL(t); got != want {
		t.Fatalf("URL() = %q, want %q", got, want)
	}
}

var validName = regexp.MustCompile(`^tb_test_[0-9a-f]{12}(_[a-z0-9_]*[a-z0-9])?$`)

func TestDatabaseName(t *testing.T) {
	seen := map[string]bool{}
	for _, test := range []string{
		"",
		"TestStore",
		"TestStore/records_list/keyset#01",
		"Test" + strings.Repeat("VeryLong", 20),
		"TestÜnicode/子测试",
	} {
		name := databaseName(test)
		if len(name) > 63 {
			t.Errorf("databaseName(%q) = %q: %d bytes, PostgreSQL keeps 63", test, name, len(name))
		}
		if !validName.MatchString(name) {
			t.Errorf("databaseName(%q) = %q: not a plain lower-case identifier", test, name)
		}
		if seen[name] {
			t.Errorf("databaseName(%q) = %q: repeated", test, name)
		}
		seen[name] = true
	}
	if got := databaseName("TestStore/records_list"); !strings.HasSuffix(got, "_teststore_records_list") {
		t.Errorf("databaseName keeps no hint of the test: %q", got)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://postgres@127.0.0.1:5432/ci?sslmode=disable", "postgres://postgres@127.0.0.1:5432/tb_x?sslmode=disable"},
		{"postgresql://u:p%40ss@h/ci", "postgresql://u:p%40ss@h/tb_x"},
		{"postgres://u@h:1", "postgres://u@h:1/tb_x"},
		{"postgres://u@h/ci?dbname=other&sslmode=disable", "postgres://u@h/tb_x?sslmode=disable"},
		{"host=h user=u dbname=ci", "host=h user=u dbname=ci dbname=tb_x"},
	} {
		got, err := withDatabase(tc.in, "tb_x")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := withDatabase("not a url", "tb_x"); err == nil {
		t.Error("withDatabase accepted a string that is neither a URL nor keyword/value")
	}
}

func connect(t *testing.T, ctx context.Context, connString string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatalf("connect %s: %v", connString, err)
	}
	return conn
}

func databaseExists(t *testing.T, ctx context.Context, admin *pgx.Conn, name string) bool {
	t.Helper()
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatalf("look up database %s: %v", name, err)
	}
	return n == 1
}

func dbName(t *testing.T, connString string) string {
	t.Helper()
	u, err := url.Parse(connString)
	if err != nil {
		t.Fatalf("FreshDatabase returned an unparsable URL %q: %v", connString, err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// TestFreshDatabaseLifecycle creates a database, uses it, leaves a
// connection open, and checks that the cleanup dropped it anyway.
func TestFreshDatabaseLifecycle(t *testing.T) {
	admin := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adminConn := connect(t, ctx, admin)
	defer adminConn.Close(context.Background())

	var name string
	var leftOpen *pgx.Conn
	t.Run("use", func(t *testing.T) {
		u := FreshDatabase(t)
		name = dbName(t, u)
		if !strings.HasPrefix(name, DatabasePrefix) {
			t.Fatalf("database %q lacks the prefix %q", name, DatabasePrefix)
		}
		if !databaseExists(t, ctx, adminConn, name) {
			t.Fatalf("database %s does not exist after FreshDatabase", name)
		}

		conn := connect(t, ctx, u)
		var current string
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&current); err != nil {
			t.Fatal(err)
		}
		if current != name {
			t.Fatalf("connected to %q, want %q", current, name)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE customers (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO customers (name) VALUES ($1), ($2)", "ACME", "Globex"); err != nil {
			t.Fatalf("insert: %v", err)
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM customers").Scan(&n); err != nil || n != 2 {
			t.Fatalf("count = %d, %v; want 2", n, err)
		}
		// Left open on purpose: the drop must not wait for it.
		leftOpen = conn
	})
	if leftOpen != nil {
		defer leftOpen.Close(context.Background())
	}
	if name == "" {
		t.Fatal("subtest did not create a database")
	}
	if databaseExists(t, ctx, adminConn, name) {
		t.Fatalf("database %s still exists after the test ended", name)
	}
}

// TestFreshDatabaseIsolated checks that parallel tests get separate
// databases: each creates the same table and sees only its own row.
func TestFreshDatabaseIsolated(t *testing.T) {
	URL(t)
	var mu sync.Mutex
	names := map[string]bool{}
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				u := FreshDatabase(t)
				mu.Lock()
				names[dbName(t, u)] = true
				mu.Unlock()

				conn := connect(t, ctx, u)
				defer conn.Close(context.Background())
				if _, err := conn.Exec(ctx, "CREATE TABLE contacts (id INT PRIMARY KEY)"); err != nil {
					t.Fatalf("create table: %v", err)
				}
				if _, err := conn.Exec(ctx, "INSERT INTO contacts VALUES ($1)", i); err != nil {
					t.Fatalf("insert: %v", err)
				}
				rows, _ := conn.Query(ctx, "SELECT id FROM contacts")
				ids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
				if err != nil {
					t.Fatalf("select: %v", err)
				}
				if len(ids) != 1 || ids[0] != int32(i) {
					t.Fatalf("contacts = %v, want [%d]", ids, i)
				}
			})
		}
	})
	if len(names) != 8 {
		t.Fatalf("8 parallel tests got %d distinct databases: %v", len(names), names)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adminConn := connect(t, ctx, URL(t))
	defer adminConn.Close(context.Background())
	for name := range names {
		if databaseExists(t, ctx, adminConn, name) {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

// TestTemplate builds a template once for several callers at the same
// time, over a draft a dead build left, and gives each test its own copy.
func TestTemplate(t *testing.T) {
	admin := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adminConn := connect(t, ctx, admin)
	t.Cleanup(func() { adminConn.Close(context.Background()) }) // after the template's drop
	name := databaseName("template")
	t.Cleanup(func() {
		adminConn.Exec(context.Background(), "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH IS_TEMPLATE false") //nolint:errcheck
		if err := dropDatabase(context.Background(), admin, name); err != nil {
			t.Errorf("drop the template: %v", err)
		}
	})
	// What a build that died halfway leaves.
	if _, err := adminConn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name + "_draft"}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	var builds atomic.Int32
	build := func(u string) error {
		builds.Add(1)
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, "CREATE TABLE customers (name TEXT NOT NULL); INSERT INTO customers VALUES ('ACME')")
		return err
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := Template(t, name, build); got != name {
				t.Errorf("Template returned %q, want %q", got, name)
			}
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Fatalf("built %d times, want once", n)
	}
	if databaseExists(t, ctx, adminConn, name+"_draft") {
		t.Fatal("the draft is still there")
	}
	var urls []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			u := FromTemplate(t, name)
			urls = append(urls, u)
			conn := connect(t, ctx, u)
			defer conn.Close(context.Background())
			if _, err := conn.Exec(ctx, "INSERT INTO customers VALUES ('Globex')"); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM customers").Scan(&n); err != nil || n != 2 {
				t.Fatalf("copy %d holds %d customers (%v), want the template's one and its own", i, n, err)
			}
		})
	}
	for _, u := range urls {
		if databaseExists(t, ctx, adminConn, dbName(t, u)) {
			t.Fatalf("copy %s outlived its test", dbName(t, u))
		}
	}
}
