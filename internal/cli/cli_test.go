package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCmd(t *testing.T, dataDir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	getenv := func(k string) string {
		if k == "TOUCHBASE_DATA_DIR" {
			return dataDir
		}
		return ""
	}
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func waitFor(t *testing.T, buf *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s in output:\n%s", re, buf.String())
	return nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeBootstrapsAdminAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, strings.NewReader(""), &out, &errOut,
			func(string) string { return "" })
	}()
	url := waitFor(t, &out, regexp.MustCompile(`running at (http://\S+)`))[1]
	pw := waitFor(t, &out, regexp.MustCompile(`user admin with password: (\S+)`))[1]
	if len(pw) != 16 {
		t.Fatalf("random admin password %q", pw)
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		if code, body := get(t, url+path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d %q", path, code, body)
		}
	}
	if code, body := get(t, url+"/metrics"); code != 200 || !strings.Contains(body, `touchbase_http_requests_total{method="GET",route="GET /healthz",status="200"}`) {
		t.Errorf("metrics missing request counter: %d\n%.2000s", code, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}

	// A second start finds the admin and prints no new password.
	code, stdout, stderr := runCmd(t, dir, "", "user", "list")
	if code != 0 || !strings.Contains(stdout, "admin") {
		t.Fatalf("user list: %d %s %s", code, stdout, stderr)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCmd(t, dir, "", "migrate"); code != 0 || !strings.Contains(out, "schema at version") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCmd(t, dir, "long enough pw\n", "user", "add", "--role", "agent", "--name", "李雷", "lilei")
	if code != 0 || !strings.Contains(out, "created user lilei") {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, dir, "short\n", "user", "add", "hanmei"); code != 1 || !strings.Contains(errOut, "password") {
		t.Fatalf("short password should fail naming the field: %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, dir, "long enough pw\n", "user", "add", "lilei"); code != 1 || !strings.Contains(errOut, "username") {
		t.Fatalf("duplicate username should fail naming the field: %d %s", code, errOut)
	}
	code, out, errOut = runCmd(t, dir, "", "token", "create", "lilei")
	if code != 0 || !strings.HasPrefix(out, "tb_") || !strings.Contains(errOut, "scope contact, expires ") {
		t.Fatalf("token: %d %q %s", code, out, errOut)
	}
	if code, out, _ := runCmd(t, dir, "", "user", "set-password", "--password", "another long pw", "lilei"); code != 0 ||
		!strings.Contains(out, "changed") || !strings.Contains(out, "API tokens revoked: 1") {
		t.Fatalf("set-password: %d %s", code, out)
	}
	code, out, errOut = runCmd(t, dir, "", "token", "--scope", "read", "--expires", "7", "--name", "report", "lilei")
	if code != 0 || !strings.HasPrefix(out, "tb_") || !strings.Contains(errOut, `token "report" for lilei: scope read, expires `) {
		t.Fatalf("read token for a week: %d %q %s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scope", "admin"}, "scope"},
		{[]string{"--expires", "never"}, "never_expires"},
		{[]string{"--expires", "0"}, "expires_in_days"},
		{[]string{"--expires", "soon"}, "expires: want a number of days"},
	} {
		args := append(append([]string{"token"}, tc.args...), "lilei")
		if code, out, errOut := runCmd(t, dir, "", args...); code != 1 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("token %v: %d %q %s, want a failure naming %s", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, _, _ := runCmd(t, dir, "", "token", "nobody"); code != 1 {
		t.Fatalf("token for unknown user exited %d", code)
	}
	if code, _, _ := runCmd(t, dir, "", "bogus"); code != 2 {
		t.Fatalf("unknown command exited %d", code)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	csvPath := dir + "/customers.csv"
	data := "customer_code,customer_name,contact_name,mobile,email\n" +
		"C1,恒信科技,李雷,13800000001,li@example.cn\n" +
		"C2,华瑞贸易,韩梅,12345,han@example.cn\n"
	if err := os.WriteFile(csvPath, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, dir, "", "import", "customers", "--dry-run", csvPath)
	if code != 1 || !strings.Contains(out, "line 3: mobile") || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, dir, "", "import", "customers", csvPath)
	if code != 1 || !strings.Contains(out, "customers 1 created") || !strings.Contains(out, "1 rows with errors") {
		t.Fatalf("import: %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, dir, "", "import", "customers", csvPath)
	if !strings.Contains(out, "customers 0 created, 1 updated") {
		t.Fatalf("re-import should update, not duplicate: %d\n%s", code, out)
	}
	if code, _, _ := runCmd(t, dir, "", "import", "customers", dir+"/missing.csv"); code != 1 {
		t.Fatalf("missing file exited %d", code)
	}
}

// TestImportStoppedPartWay: a file refused at its 2,502nd line, after the
// first 2,000 rows were written, says how far it was written.
func TestImportStoppedPartWay(t *testing.T) {
	dir := t.TempDir()
	csvPath := dir + "/customers.csv"
	var b strings.Builder
	b.WriteString("customer_code,customer_name,contact_name,mobile\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "C%05d,客户%d,联系人%d,1380%07d\n", i, i, i, i)
	}
	b.WriteString("C99999,\"" + strings.Repeat("x", 1<<20+1) + "\n")
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, dir, "", "import", "customers", csvPath)
	if code != 1 || !strings.Contains(out, "stopped part-way: rows through line 2001 were written (customers 2000 created") ||
		!strings.Contains(errOut, "larger than") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	var out, errOut strings.Builder
	if code := Run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errOut, func(string) string { return "" }); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := out.String(); !strings.HasPrefix(got, "touchbase ") || !strings.Contains(got, runtime.Version()) {
		t.Fatalf("version printed %q", got)
	}
}
