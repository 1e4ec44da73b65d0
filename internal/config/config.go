// Package config holds Touchbase's typed options, read from command-line
// flags and TOUCHBASE_* environment variables (flags win), with defaults and
// validation at boot. Options are passed explicitly; there is no global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Options configures the serve command and the other subcommands.
type Options struct {
	Addr          string
	DB            string
	DataDir       string
	Demo          bool
	AdminPassword string
	SecretKey     string
	LogLevel      string
	LogFormat     string
	BaseURL       string
	// CookieSecure marks cookies Secure; unless set, it is on when BaseURL
	// is https.
	CookieSecure bool
	// SessionIdle is how long a browser session lives without use,
	// SessionMax how long it lives at most after the login.
	SessionIdle, SessionMax time.Duration
	ShutdownTimeout         time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// gives the client's address (for login throttling and logs); the
	// header of anyone else is ignored.
	TrustedProxies []netip.Prefix
	// AllowPrivateProviders lets provider, group-bot and WeCom calls reach
	// loopback and private networks (an on-premises gateway); by default
	// they may reach only public addresses. Demo mode turns it on for its
	// simulated providers.
	AllowPrivateProviders bool
	// StaleAfter is how long a bulk recipient may stay "sending", and a
	// job "running", before they are taken for abandoned by a process
	// that died: recipients it never handed to the provider are sent
	// again, those it had handed settled as outcome unknown (or asked
	// again, where the provider de-duplicates), and its jobs re-run. A
	// live process renews its claim every third of it, so a provider
	// slower than StaleAfter does not lose it.
	StaleAfter time.Duration
	// MetricsAddr, when set, is the address of a second listener that
	// serves /metrics and /debug/pprof/ instead of the main one.
	MetricsAddr string
	// MetricsToken, when set, is the bearer token a scrape of /metrics
	// (and a look at /debug/pprof/) must send.
	MetricsToken string

	// envErrs are the environment variables Register could not read;
	// Finish reports them.
	envErrs []error
	// cookieSecureSet records that CookieSecure was given.
	cookieSecureSet bool
}

// Defaults returns the options used when nothing is set.
func Defaults() Options {
	return Options{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		LogLevel:        "info",
		LogFormat:       "text",
		ShutdownTimeout: 15 * time.Second,
		StaleAfter:      2 * time.Minute,
		SessionIdle:     14 * day,
		SessionMax:      30 * day,
	}
}

// Register defines the shared flags on fs, with environment variables as
// defaults, writing into o.
func (o *Options) Register(fs *flag.FlagSet, getenv func(string) string) {
	str := func(p *string, name, env, usage string) {
		if v := o.envOrFile(getenv, env); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (env "+env+")")
	}
	str(&o.Addr, "addr", "TOUCHBASE_ADDR", "listen address")
	str(&o.DB, "db", "TOUCHBASE_DB", "database: sqlite:PATH or postgres://… (default sqlite:DATA_DIR/touchbase.db)")
	str(&o.DataDir, "data-dir", "TOUCHBASE_DATA_DIR", "directory for the SQLite file and keys")
	str(&o.LogLevel, "log-level", "TOUCHBASE_LOG_LEVEL", "debug, info, warn or error")
	str(&o.LogFormat, "log-format", "TOUCHBASE_LOG_FORMAT", "text or json")
	str(&o.BaseURL, "base-url", "TOUCHBASE_BASE_URL", "public URL of the UI, for links in messages")
	str(&o.MetricsAddr, "metrics-addr", "TOUCHBASE_METRICS_ADDR",
		"serve /metrics and /debug/pprof/ on this address instead of the main one")
	o.MetricsToken = o.envOrFile(getenv, "TOUCHBASE_METRICS_TOKEN")
	o.AdminPassword = o.envOrFile(getenv, "TOUCHBASE_ADMIN_PASSWORD")
	o.SecretKey = o.envOrFile(getenv, "TOUCHBASE_SECRET_KEY")
	if v := getenv("TOUCHBASE_COOKIE_SECURE"); v != "" {
		b, err := parseBool(v)
		if err != nil {
			o.envErrs = append(o.envErrs, fmt.Errorf("TOUCHBASE_COOKIE_SECURE: %w", err))
		}
		o.CookieSecure, o.cookieSecureSet = b, true
	}
	fs.Var(boolValue{&o.CookieSecure, &o.cookieSecureSet}, "cookie-secure",
		"mark cookies Secure, so browsers send them over HTTPS only (default: on when base-url is https) (env TOUCHBASE_COOKIE_SECURE)")
	for _, d := range []struct {
		p           *time.Duration
		name, usage string
	}{
		{&o.SessionIdle, "session-idle", "how long a browser session lives without use, such as 14d or 8h"},
		{&o.SessionMax, "session-max", "how long a browser session lives at most after the login, used or not, such as 30d"},
	} {
		env := "TOUCHBASE_" + strings.ToUpper(strings.ReplaceAll(d.name, "-", "_"))
		if v := getenv(env); v != "" {
			x, err := parseDuration(v)
			if err != nil {
				o.envErrs = append(o.envErrs, fmt.Errorf("%s: %w", env, err))
			}
			*d.p = x
		}
		fs.Var(durationValue{d.p}, d.name, d.usage+" (env "+env+")")
	}
	fs.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", o.ShutdownTimeout, "grace period for in-flight requests")
	if v := getenv("TOUCHBASE_STALE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			o.envErrs = append(o.envErrs, fmt.Errorf("TOUCHBASE_STALE_AFTER: want a duration such as 2m or 90s, got %q", v))
		}
		o.StaleAfter = d
	}
	if v := getenv("TOUCHBASE_TRUSTED_PROXIES"); v != "" {
		p, err := parsePrefixes(v)
		if err != nil {
			o.envErrs = append(o.envErrs, fmt.Errorf("TOUCHBASE_TRUSTED_PROXIES: %w", err))
		}
		o.TrustedProxies = p
	}
	fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of the reverse proxies in front, "+
		"whose X-Forwarded-For is believed (env TOUCHBASE_TRUSTED_PROXIES)", func(v string) (err error) {
		o.TrustedProxies, err = parsePrefixes(v)
		return err
	})
	if v := getenv("TOUCHBASE_ALLOW_PRIVATE_PROVIDERS"); v != "" {
		b, err := parseBool(v)
		if err != nil {
			o.envErrs = append(o.envErrs, fmt.Errorf("TOUCHBASE_ALLOW_PRIVATE_PROVIDERS: %w", err))
		}
		o.AllowPrivateProviders = b
	}
	fs.BoolVar(&o.AllowPrivateProviders, "allow-private-providers", o.AllowPrivateProviders,
		"let provider, group-bot and WeCom calls reach loopback and private networks, for an on-premises gateway "+
			"(link-local and cloud metadata addresses stay refused) (env TOUCHBASE_ALLOW_PRIVATE_PROVIDERS)")
	fs.DurationVar(&o.StaleAfter, "stale-after", o.StaleAfter,
		"how long work of a dead process stays claimed before recovery (env TOUCHBASE_STALE_AFTER)")
}

// parseBool reads a boolean setting: true, false, 1, 0, yes, no, on, off
// (any case).
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("want true or false (also 1/0, yes/no, on/off), got %q", v)
}

// parsePrefixes reads a comma-separated list of IP addresses and CIDR
// ranges; an address stands for itself alone.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("want IP addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8, got %q", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// day is 24 hours, the unit of the "d" suffix of parseDuration.
const day = 24 * time.Hour

// parseDuration reads a duration as time.ParseDuration does, or a whole
// number of days such as 30d.
func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, ok := strings.CutSuffix(v, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days >= 0 {
			return time.Duration(days) * day, nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 30d, 12h or 90m, got %q", v)
	}
	return d, nil
}

// durationValue is a duration flag read by parseDuration.
type durationValue struct{ p *time.Duration }

func (d durationValue) String() string {
	if d.p == nil {
		return "0s"
	}
	return d.p.String()
}

func (d durationValue) Set(v string) error {
	x, err := parseDuration(v)
	if err != nil {
		return err
	}
	*d.p = x
	return nil
}

// boolValue is a boolean flag read by parseBool; set, when not nil,
// records that it was given.
type boolValue struct{ p, set *bool }

func (b boolValue) String() string {
	if b.p == nil {
		return "false"
	}
	return fmt.Sprint(*b.p)
}

func (b boolValue) Set(v string) error {
	x, err := parseBool(v)
	if err != nil {
		return err
	}
	*b.p = x
	if b.set != nil {
		*b.set = true
	}
	return nil
}

// IsBoolFlag lets --cookie-secure stand alone for true.
func (b boolValue) IsBoolFlag() bool { return true }

// envOrFile reads NAME, or the contents of the file named by NAME_FILE; a
// file that cannot be read is an error Finish reports.
func (o *Options) envOrFile(getenv func(string) string, name string) string {
	if v := getenv(name); v != "" {
		return v
	}
	if p := getenv(name + "_FILE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			o.envErrs = append(o.envErrs, fmt.Errorf("%s_FILE: %w", name, err))
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return ""
}

// Finish fills derived defaults and validates; call after parsing flags.
func (o *Options) Finish() error {
	if o.DB == "" {
		o.DB = "sqlite:" + filepath.Join(o.DataDir, "touchbase.db")
	}
	errs := append([]error(nil), o.envErrs...)
	switch {
	case strings.HasPrefix(o.DB, "sqlite:"):
	case strings.HasPrefix(o.DB, "postgres://"), strings.HasPrefix(o.DB, "postgresql://"):
		if u, err := url.Parse(o.DB); err != nil || u.Host == "" {
			errs = append(errs, errors.New("db: not a valid postgres:// URL (want postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…; "+
				"a password with reserved characters such as @ : / ? # must be percent-encoded)"))
		}
	default:
		errs = append(errs, fmt.Errorf("db: want sqlite:PATH or postgres://…, got %q", RedactDB(o.DB)))
	}
	switch o.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level: want debug, info, warn or error, got %q", o.LogLevel))
	}
	if o.LogFormat != "text" && o.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: want text or json, got %q", o.LogFormat))
	}
	if o.Addr == "" {
		errs = append(errs, errors.New("addr: must not be empty"))
	}
	if o.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(o.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr: want HOST:PORT such as 127.0.0.1:9090, got %q", o.MetricsAddr))
		} else if o.MetricsAddr == o.Addr {
			errs = append(errs, errors.New("metrics-addr: must differ from addr"))
		}
	}
	if o.MetricsToken != "" && len(o.MetricsToken) < 16 {
		errs = append(errs, errors.New("TOUCHBASE_METRICS_TOKEN: want at least 16 characters"))
	}
	if o.StaleAfter < 5*time.Second {
		errs = append(errs, fmt.Errorf("stale-after: must be at least 5s, got %s", o.StaleAfter))
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://" + o.Addr
	} else if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("base-url: want an http or https URL such as https://crm.example.com, got %q", o.BaseURL))
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if !o.cookieSecureSet {
		o.CookieSecure = strings.HasPrefix(strings.ToLower(o.BaseURL), "https://")
	}
	if o.SessionIdle < 5*time.Minute {
		errs = append(errs, fmt.Errorf("session-idle: must be at least 5m, got %s", o.SessionIdle))
	}
	if o.SessionMax < o.SessionIdle {
		errs = append(errs, fmt.Errorf("session-max: must be at least session-idle (%s), got %s", o.SessionIdle, o.SessionMax))
	}
	return errors.Join(errs...)
}

// String shows the options with secrets hidden, for the start-up log.
func (o Options) String() string {
	hide := func(s string) string {
		if s == "" {
			return ""
		}
		return "********"
	}
	db := RedactDB(o.DB)
	return fmt.Sprintf("addr=%s db=%s data-dir=%s demo=%v admin-password=%s secret-key=%s metrics-addr=%s metrics-token=%s "+
		"allow-private-providers=%v",
		o.Addr, db, o.DataDir, o.Demo, hide(o.AdminPassword), hide(o.SecretKey), o.MetricsAddr, hide(o.MetricsToken),
		o.AllowPrivateProviders)
}

// RedactDB returns a database setting fit for a log line or an error: the
// password of a URL, in its user part or its query, is masked; a value
// that is not a readable URL is not shown at all.
func RedactDB(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(not a readable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if strings.Contains(strings.ToLower(k), "password") {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
