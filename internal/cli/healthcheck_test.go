package cli

import (
	"net"
	"net/url"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	n := node{t, map[string]string{"TOUCHBASE_DATA_DIR": t.TempDir()}}
	u, err := url.Parse(n.serve())
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(u.Host)
	for _, args := range [][]string{
		{"--addr", u.Host},
		{"--addr", u.Host, "--ready"},
		{"--addr", "0.0.0.0:" + port}, // as a container's serve listens
	} {
		if code, out, errOut := n.run(append([]string{"healthcheck"}, args...)...); code != 0 || !strings.Contains(out, ": ok") {
			t.Errorf("healthcheck %v: %d %s %s", args, code, out, errOut)
		}
	}
	if code, _, errOut := (node{t, map[string]string{"TOUCHBASE_ADDR": u.Host}}).run("healthcheck"); code != 0 {
		t.Errorf("healthcheck with TOUCHBASE_ADDR: %d %s", code, errOut)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if code, _, errOut := n.run("healthcheck", "--addr", closed, "--timeout", "2s"); code != 1 || !strings.Contains(errOut, closed) {
		t.Errorf("healthcheck of a closed port: %d %s", code, errOut)
	}
}
