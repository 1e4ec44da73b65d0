package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchbase/internal/testutil/pgtest"
)

// node is one serve process of a test, with its own environment.
type node struct {
	t   *testing.T
	env map[string]string
}

// run runs one command with the node's environment and returns its exit
// code and output; it fails the test if the command is still running
// after a minute.
func (n node) run(args ...string) (int, string, string) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	code := Run(ctx, args, strings.NewReader(""), &out, &errOut, func(k string) string { return n.env[k] })
	if ctx.Err() != nil {
		n.t.Fatalf("%v did not return:\n%s\n%s", args, out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

// serve starts serve on a free port and returns its URL; it is stopped,
// and must exit 0, when the test ends.
func (n node) serve() string {
	n.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut,
			func(k string) string { return n.env[k] })
	}()
	n.t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				n.t.Errorf("serve exited %d: %s", code, errOut.String())
			}
		case <-time.After(30 * time.Second):
			n.t.Error("serve did not shut down")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			done <- code
			n.t.Fatalf("serve exited %d before listening:\n%s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	n.t.Fatalf("serve did not start:\n%s", errOut.String())
	return ""
}

// writeKey writes a secret key file of fill bytes and returns its path.
func writeKey(t *testing.T, fill byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret_key")
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, 32))
	if err := os.WriteFile(p, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNodesMustShareTheSecretKey: the first node on a database records
// its key's fingerprint; a node with another key, given or generated,
// refuses to start and says which variable to set; a node with the same
// key starts beside the first.
func TestNodesMustShareTheSecretKey(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
			if dialect == "postgres" {
				db = pgtest.FreshDatabase(t)
			}
			keyA, keyB := writeKey(t, 1), writeKey(t, 2)
			nodeWith := func(keyFile string) node {
				env := map[string]string{"TOUCHBASE_DB": db, "TOUCHBASE_DATA_DIR": t.TempDir(), "TOUCHBASE_ADMIN_PASSWORD": "first admin pw"}
				if keyFile != "" {
					env["TOUCHBASE_SECRET_KEY_FILE"] = keyFile
				}
				return node{t, env}
			}
			first := nodeWith(keyA)
			first.serve()

			code, out, errOut := nodeWith(keyB).run("serve", "--addr", "127.0.0.1:0")
			if code != 1 || !strings.Contains(errOut, "TOUCHBASE_SECRET_KEY_FILE") || !strings.Contains(errOut, "fingerprint") ||
				strings.Contains(out, "running at") {
				t.Fatalf("a node with another key: exit %d\n%s\n%s", code, out, errOut)
			}
			key, _ := os.ReadFile(keyB)
			if strings.Contains(errOut, strings.TrimSpace(string(key))) {
				t.Fatal("the error shows the key")
			}

			code, _, errOut = nodeWith("").run("serve", "--addr", "127.0.0.1:0")
			if code != 1 || !strings.Contains(errOut, "secret.key") || !strings.Contains(errOut, "TOUCHBASE_SECRET_KEY_FILE") {
				t.Fatalf("a node that generated its own key: exit %d\n%s", code, errOut)
			}
			// One-shot commands are held to the same key.
			if code, _, errOut := nodeWith(keyB).run("user", "list"); code != 1 || !strings.Contains(errOut, "TOUCHBASE_SECRET_KEY_FILE") {
				t.Fatalf("user list with another key: exit %d\n%s", code, errOut)
			}

			second := nodeWith(keyA)
			if code, body := get(t, second.serve()+"/healthz"); code != 200 || body != "ok\n" {
				t.Fatalf("second node with the same key: /healthz %d %q", code, body)
			}
		})
	}
}

// TestDatabasePasswordNeverShown: a start that fails to reach PostgreSQL
// tells why without the password, in the log and in the error.
func TestDatabasePasswordNeverShown(t *testing.T) {
	for _, db := range []string{
		"postgres://touchbase:Pa55-word-xyz@127.0.0.1:1/touchbase?connect_timeout=2",
		"postgres://touchbase@127.0.0.1:1/touchbase?password=Pa55-word-xyz&connect_timeout=2",
	} {
		n := node{t, map[string]string{"TOUCHBASE_DB": db, "TOUCHBASE_DATA_DIR": t.TempDir(),
			"TOUCHBASE_SECRET_KEY_FILE": writeKey(t, 1)}}
		code, out, errOut := n.run("serve", "--addr", "127.0.0.1:0")
		if code != 1 || !strings.Contains(errOut, "127.0.0.1") {
			t.Fatalf("serve against a closed port: exit %d\n%s", code, errOut)
		}
		if strings.Contains(out+errOut, "Pa55-word-xyz") {
			t.Fatalf("the password is shown:\n%s\n%s", out, errOut)
		}
	}
}
