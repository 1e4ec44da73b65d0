package cli

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"touchbase/internal/storage"
	"touchbase/internal/testutil/pgtest"
)

// TestMigratorsStartingTogether: several nodes migrating one fresh
// PostgreSQL database at the same moment all succeed, and between them
// apply each migration once.
func TestMigratorsStartingTogether(t *testing.T) {
	db := pgtest.FreshDatabase(t)
	const nodes = 6
	type result struct {
		code        int
		out, errOut string
	}
	results := make([]result, nodes)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errOut syncBuffer
			<-start
			code := Run(context.Background(), []string{"migrate", "--db", db}, strings.NewReader(""), &out, &errOut,
				func(string) string { return "" })
			results[i] = result{code, out.String(), errOut.String()}
		}()
	}
	close(start)
	wg.Wait()

	applied := 0
	re := regexp.MustCompile(`applied (\d+) migration\(s\); postgres schema at version (\d+) of (\d+)`)
	for i, r := range results {
		m := re.FindStringSubmatch(r.out)
		if r.code != 0 || m == nil || m[2] != m[3] {
			t.Fatalf("migrator %d: exit %d\n%s\n%s", i, r.code, r.out, r.errOut)
		}
		n, _ := strconv.Atoi(m[1])
		applied += n
	}

	ctx := context.Background()
	s, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(applied) != latest {
		t.Errorf("the migrators applied %d migrations between them, want %d (each once)", applied, latest)
	}
	for _, q := range []string{
		`SELECT count(*) FROM (SELECT version_id FROM goose_db_version WHERE version_id > 0 GROUP BY version_id HAVING count(*) > 1) d`,
		`SELECT count(*) FROM (SELECT line, version FROM river_migration GROUP BY line, version HAVING count(*) > 1) d`,
	} {
		var dup int
		if err := s.DB().QueryRowContext(ctx, q).Scan(&dup); err != nil || dup != 0 {
			t.Errorf("%s: %d, %v", q, dup, err)
		}
	}
	var riverVersions int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_migration`).Scan(&riverVersions); err != nil || riverVersions == 0 {
		t.Errorf("job queue schema: %d versions, %v", riverVersions, err)
	}
}
