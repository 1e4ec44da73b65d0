package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (Options, error) {
	t.Helper()
	o := Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	o.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	return o, o.Finish()
}

func TestDefaultsEnvAndFlags(t *testing.T) {
	o, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "127.0.0.1:8080" || o.DB != "sqlite:data/touchbase.db" {
		t.Fatalf("defaults: addr=%s db=%s", o.Addr, o.DB)
	}
	o, err = parse(t, map[string]string{"TOUCHBASE_ADDR": ":9000", "TOUCHBASE_DB": "postgres://u:pw@h/db"})
	if err != nil || o.Addr != ":9000" || o.DB != "postgres://u:pw@h/db" {
		t.Fatalf("env: %+v %v", o, err)
	}
	if strings.Contains(o.String(), "pw") {
		t.Fatalf("password shown in %s", o.String())
	}
	o, err = parse(t, map[string]string{"TOUCHBASE_ADDR": ":9000"}, "--addr", ":9100")
	if err != nil || o.Addr != ":9100" {
		t.Fatalf("flag should win over env: %s %v", o.Addr, err)
	}
}

func TestFileVariantAndValidation(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parse(t, map[string]string{"TOUCHBASE_ADMIN_PASSWORD_FILE": p})
	if err != nil || o.AdminPassword != "from-file" {
		t.Fatalf("_FILE variant: %q %v", o.AdminPassword, err)
	}
	_, err = parse(t, nil, "--db", "mysql://x", "--log-level", "loud")
	if err == nil || !strings.Contains(err.Error(), "db:") || !strings.Contains(err.Error(), "log-level:") {
		t.Fatalf("want errors naming db and log-level, got %v", err)
	}
}
