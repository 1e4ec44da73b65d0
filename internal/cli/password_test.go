package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"touchbase/internal/testutil/pgtest"
)

// TestWeakPasswordsRefused: serve refuses to create the first admin with a
// common TOUCHBASE_ADMIN_PASSWORD, or one that is the username, saying
// which variable to change, and starts with a good one; user add and
// set-password refuse the same passwords, naming the field.
func TestWeakPasswordsRefused(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "tb.db")
			if dialect == "postgres" {
				db = pgtest.FreshDatabase(t)
			}
			dataDir := t.TempDir()
			withPassword := func(pw string) node {
				return node{t, map[string]string{"TOUCHBASE_DB": db, "TOUCHBASE_DATA_DIR": dataDir, "TOUCHBASE_ADMIN_PASSWORD": pw}}
			}
			for pw, why := range map[string]string{"Password123": "most common", "admin2024": "username"} {
				code, out, errOut := withPassword(pw).run("serve", "--addr", "127.0.0.1:0")
				if code != 1 || !strings.Contains(errOut, "TOUCHBASE_ADMIN_PASSWORD is refused") || !strings.Contains(errOut, why) ||
					strings.Contains(out, "running at") || strings.Contains(errOut, pw) {
					t.Fatalf("serve with TOUCHBASE_ADMIN_PASSWORD=%s: exit %d\n%s\n%s", pw, code, out, errOut)
				}
			}
			good := withPassword("tea with 3 cats")
			if code, out, _ := good.run("user", "list"); code != 0 || strings.Contains(out, "admin") {
				t.Fatalf("a refused start left users: %d\n%s", code, out)
			}
			good.serve()
			if code, out, _ := good.run("user", "list"); code != 0 || !strings.Contains(out, "admin") {
				t.Fatalf("the admin with a good password: %d\n%s", code, out)
			}

			for _, tc := range []struct{ args []string }{
				{[]string{"user", "add", "--password", "qwerty123", "lilei"}},
				{[]string{"user", "add", "--password", "LiLei1988", "lilei"}},
				{[]string{"user", "set-password", "--password", "iloveyou1", "admin"}},
				{[]string{"user", "set-password", "--password", "Admin777", "admin"}},
			} {
				if code, _, errOut := good.run(tc.args...); code != 1 || !strings.Contains(errOut, "password") {
					t.Errorf("%v: exit %d %s", tc.args, code, errOut)
				}
			}
			if code, out, errOut := good.run("user", "add", "--password", "li lei's own words", "lilei"); code != 0 ||
				!strings.Contains(out, "created user lilei") {
				t.Errorf("user add with a good password: %d %s %s", code, out, errOut)
			}
		})
	}
}
