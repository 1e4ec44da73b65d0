package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestBadValuesNameTheSetting: every value that cannot be read stops the
// start with the variable or flag named and the accepted forms, instead of
// being ignored.
func TestBadValuesNameTheSetting(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TOUCHBASE_COOKIE_SECURE": "sometimes"}, nil, "TOUCHBASE_COOKIE_SECURE: want true or false"},
		{map[string]string{"TOUCHBASE_STALE_AFTER": "bogus"}, nil, "TOUCHBASE_STALE_AFTER: want a duration"},
		{map[string]string{"TOUCHBASE_SECRET_KEY_FILE": missing}, nil, "TOUCHBASE_SECRET_KEY_FILE:"},
		{map[string]string{"TOUCHBASE_BASE_URL": "crm.example.com"}, nil, "base-url: want an http or https URL"},
		{nil, []string{"--base-url", "ftp://crm.example.com"}, "base-url:"},
		{nil, []string{"--cookie-secure=maybe"}, "maybe"},
		{map[string]string{"TOUCHBASE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, "TOUCHBASE_TRUSTED_PROXIES: want IP addresses or CIDR ranges"},
		{nil, []string{"--trusted-proxies", "10.0.0.0/33"}, "want IP addresses or CIDR ranges"},
		{map[string]string{"TOUCHBASE_METRICS_ADDR": "9090"}, nil, "metrics-addr: want HOST:PORT"},
		{nil, []string{"--addr", ":9000", "--metrics-addr", ":9000"}, "metrics-addr: must differ from addr"},
		{map[string]string{"TOUCHBASE_METRICS_TOKEN": "short"}, nil, "TOUCHBASE_METRICS_TOKEN: want at least 16 characters"},
	} {
		_, err := parse(t, tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want one containing %q", tc.env, tc.args, err, tc.want)
		}
	}
	for v, want := range map[string]bool{"yes": true, "ON": true, "1": true, "true": true, "no": false, "off": false, "0": false} {
		o, err := parse(t, map[string]string{"TOUCHBASE_COOKIE_SECURE": v})
		if err != nil || o.CookieSecure != want {
			t.Errorf("TOUCHBASE_COOKIE_SECURE=%s: %v, %v", v, o.CookieSecure, err)
		}
	}
	if o, err := parse(t, nil, "--cookie-secure"); err != nil || !o.CookieSecure {
		t.Errorf("--cookie-secure alone: %v, %v", o.CookieSecure, err)
	}
	o, err := parse(t, map[string]string{"TOUCHBASE_METRICS_ADDR": "127.0.0.1:9090", "TOUCHBASE_METRICS_TOKEN": "scrape-token-0123456789"})
	if err != nil || o.MetricsAddr != "127.0.0.1:9090" || o.MetricsToken != "scrape-token-0123456789" {
		t.Errorf("metrics options: %q %q %v", o.MetricsAddr, o.MetricsToken, err)
	}
	if line := o.String(); strings.Contains(line, "scrape-token") || !strings.Contains(line, "metrics-token=********") {
		t.Errorf("start-up line shows the metrics token: %s", line)
	}
}

// TestDatabasePasswordHidden: the database password shows neither in the
// start-up line nor in an error, wherever the URL holds it.
func TestDatabasePasswordHidden(t *testing.T) {
	for _, db := range []string{
		"postgres://tb:s3cret-pw@db:5432/touchbase?sslmode=disable",
		"postgresql://tb@db/touchbase?password=s3cret-pw&sslmode=require",
		"postgres://tb:s3cret-pw@db/touchbase?sslpassword=s3cret-pw",
	} {
		o, err := parse(t, map[string]string{"TOUCHBASE_DB": db})
		if err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		if s := o.String(); strings.Contains(s, "s3cret-pw") || !strings.Contains(s, "@db") && !strings.Contains(s, "tb@db") {
			t.Errorf("start-up line %s", s)
		}
	}
	for _, db := range []string{"postgres://tb:s3cret/pw@db/touchbase", "postgres://tb:s3cret%zz@db/x", "mysql://tb:s3cret-pw@db/x"} {
		_, err := parse(t, map[string]string{"TOUCHBASE_DB": db})
		if err == nil || !strings.Contains(err.Error(), "db:") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %v", db, err)
		}
	}
	if got := RedactDB("sqlite:./data/touchbase.db"); got != "sqlite:./data/touchbase.db" {
		t.Errorf("sqlite path changed: %s", got)
	}
}

func TestTrustedProxies(t *testing.T) {
	o, err := parse(t, map[string]string{"TOUCHBASE_TRUSTED_PROXIES": " 127.0.0.1, 10.1.2.3/8 ,::1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(o.TrustedProxies); got != "[127.0.0.1/32 10.0.0.0/8 ::1/128]" {
		t.Fatalf("trusted proxies %s", got)
	}
	if o, err := parse(t, nil); err != nil || o.TrustedProxies != nil {
		t.Fatalf("default: %v %v", o.TrustedProxies, err)
	}
}

// TestCookieSecureFollowsTheBaseURL: cookies are Secure by default behind
// an https base URL; a setting either way wins.
func TestCookieSecureFollowsTheBaseURL(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, nil, false},
		{map[string]string{"TOUCHBASE_BASE_URL": "https://crm.example.com"}, nil, true},
		{map[string]string{"TOUCHBASE_BASE_URL": "HTTPS://crm.example.com/"}, nil, true},
		{map[string]string{"TOUCHBASE_BASE_URL": "http://crm.example.com"}, nil, false},
		{map[string]string{"TOUCHBASE_BASE_URL": "https://crm.example.com", "TOUCHBASE_COOKIE_SECURE": "false"}, nil, false},
		{nil, []string{"--base-url", "https://crm.example.com", "--cookie-secure=false"}, false},
		{map[string]string{"TOUCHBASE_BASE_URL": "http://crm.example.com"}, []string{"--cookie-secure"}, true},
	} {
		o, err := parse(t, tc.env, tc.args...)
		if err != nil || o.CookieSecure != tc.want {
			t.Errorf("%v %v: CookieSecure %v (%v), want %v", tc.env, tc.args, o.CookieSecure, err, tc.want)
		}
	}
}

func TestSessionLifetimes(t *testing.T) {
	o, err := parse(t, nil)
	if err != nil || o.SessionIdle != 14*24*time.Hour || o.SessionMax != 30*24*time.Hour {
		t.Fatalf("defaults: idle %v, max %v, %v", o.SessionIdle, o.SessionMax, err)
	}
	o, err = parse(t, map[string]string{"TOUCHBASE_SESSION_IDLE": "8h", "TOUCHBASE_SESSION_MAX": "7d"})
	if err != nil || o.SessionIdle != 8*time.Hour || o.SessionMax != 7*24*time.Hour {
		t.Errorf("env: idle %v, max %v, %v", o.SessionIdle, o.SessionMax, err)
	}
	o, err = parse(t, map[string]string{"TOUCHBASE_SESSION_MAX": "7d"}, "--session-max", "12h", "--session-idle", "30m")
	if err != nil || o.SessionMax != 12*time.Hour || o.SessionIdle != 30*time.Minute {
		t.Errorf("flags: idle %v, max %v, %v", o.SessionIdle, o.SessionMax, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TOUCHBASE_SESSION_IDLE": "forever"}, nil, "TOUCHBASE_SESSION_IDLE: want a duration such as 30d"},
		{nil, []string{"--session-max", "3w"}, "want a duration such as 30d"},
		{nil, []string{"--session-idle", "1m"}, "session-idle: must be at least 5m"},
		{nil, []string{"--session-idle", "10d", "--session-max", "2d"}, "session-max: must be at least session-idle"},
	} {
		_, err := parse(t, tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want one containing %q", tc.env, tc.args, err, tc.want)
		}
	}
}

func TestAllowPrivateProviders(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, nil, false},
		{map[string]string{"TOUCHBASE_ALLOW_PRIVATE_PROVIDERS": "yes"}, nil, true},
		{nil, []string{"--allow-private-providers"}, true},
		{map[string]string{"TOUCHBASE_ALLOW_PRIVATE_PROVIDERS": "on"}, []string{"--allow-private-providers=false"}, false},
	} {
		o, err := parse(t, tc.env, tc.args...)
		if err != nil || o.AllowPrivateProviders != tc.want {
			t.Errorf("%v %v: %v %v, want %v", tc.env, tc.args, o.AllowPrivateProviders, err, tc.want)
		}
	}
	if _, err := parse(t, map[string]string{"TOUCHBASE_ALLOW_PRIVATE_PROVIDERS": "maybe"}); err == nil ||
		!strings.Contains(err.Error(), "TOUCHBASE_ALLOW_PRIVATE_PROVIDERS") {
		t.Errorf("a bad value: %v", err)
	}
}
