package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestImportCustomersAPI: an admin imports a CSV file (checked first by
// a dry run that writes nothing), rows with errors are listed; a rep may
// not; a file refused further down, after its first 2,000 rows were
// written, answers 400 with the report of what was written and where it
// stops.
func TestImportCustomersAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := bearer(e.token(t, e.user(t, "admin", model.RoleAdmin, nil)))
		rep := bearer(e.token(t, e.user(t, "li", model.RoleAgent, nil)))
		file := "customer_code,customer_name,contact_name,mobile\nC1,恒信科技,李雷,13800000001\nC2,华瑞贸易,韩梅,12345\n"
		if r := e.do(t, "POST", "imports/customers", file, rep); r.status != 403 {
			t.Fatalf("a rep imports: %v", r)
		}
		r := e.do(t, "POST", "imports/customers?dry_run=true&rep=li", file, admin)
		if m := r.json(t); r.status != 200 || m["rows"] != float64(2) || m["failed"] != float64(1) || m["customers_created"] != float64(1) {
			t.Fatalf("dry run: %v", r)
		}
		if n := countRows(t, s, "customers"); n != 0 {
			t.Fatalf("the dry run wrote %d customers", n)
		}
		r = e.do(t, "POST", "imports/customers?rep=li", file, admin)
		m := r.json(t)
		errs, _ := m["errors"].([]any)
		if r.status != 200 || m["customers_created"] != float64(1) || m["stopped"] != false || len(errs) != 1 ||
			errs[0].(map[string]any)["line"] != float64(3) || errs[0].(map[string]any)["field"] != "mobile" {
			t.Fatalf("import: %v", r)
		}
		if r := e.do(t, "POST", "imports/customers?rep=nobody", file, admin); r.status != 400 {
			t.Fatalf("an unknown rep: %v", r)
		} else if _, field := r.errCode(t); field != "rep" {
			t.Fatalf("an unknown rep names %q", field)
		}

		var b strings.Builder
		b.WriteString("customer_code,customer_name,contact_name,mobile\n")
		for i := range 2500 {
			fmt.Fprintf(&b, "M%05d,客户%d,联系人%d,1390%07d\n", i, i, i, i)
		}
		b.WriteString("M99999,\"" + strings.Repeat("x", 1<<20+1) + "\n")
		r = e.do(t, "POST", "imports/customers", b.String(), admin)
		if code, field := r.errCode(t); r.status != 400 || code != "validation_failed" || field != "file" {
			t.Fatalf("a file refused further down: %d %s %s", r.status, code, field)
		}
		report, _ := r.json(t)["report"].(map[string]any)
		if report["stopped"] != true || report["written_through_line"] != float64(2001) || report["customers_created"] != float64(2000) {
			t.Fatalf("report of a stopped import: %v", report)
		}
		if n := countRows(t, s, "customers"); n != 2001 {
			t.Fatalf("%d customers stored, want the first file's one and the 2,000 written", n)
		}
	})
}

func countRows(t *testing.T, s *storage.Store, table string) int {
	t.Helper()
	var n int
	if err := s.ReadDB().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
