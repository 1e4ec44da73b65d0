package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"touchbase/internal/demo"
	"touchbase/internal/importer"
	"touchbase/internal/jobs"
	"touchbase/internal/outbound"
	"touchbase/internal/storage"
)

// benchPages are the main pages a rep moves between all day; {customer}
// is a customer from the user's own list.
var benchPages = []string{"/", "/customers", "/customers/{customer}", "/records", "/plans", "/plans/calendar", "/bulk",
	"/notifications"}

// runPages starts `touchbase serve` on the demo data (and, if asked, many
// more customers), signs in a crowd of users and has each walk the main
// pages over HTTP, one request after another, reporting per page the
// median, 95th and 99th percentile latency and serve's peak memory.
func runPages(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("pages", stderr)
	db := fs.String("db", "", "database: sqlite:PATH or postgres://… (default: a temporary SQLite file)")
	users := fs.Int("users", 50, "concurrent users, signed in as agent1…agent10 and admin in turn")
	duration := fs.Duration("duration", 30*time.Second, "how long the users walk the pages, after a warm-up round")
	think := fs.Duration("think", 0, "mean pause between one user's requests (0: none, the heaviest load)")
	customers := fs.Int("customers", 0, "customers to add beyond the demo's, spread over agent1…agent10 (created once)")
	bin := fs.String("bin", "", "touchbase binary (default: build ./cmd/touchbase)")
	cpuProfile := fs.String("cpuprofile", "", "write serve's CPU profile of the timed walk (from /debug/pprof) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := serveWorkspace(ctx, "touchbase-pages-", db, bin, stderr)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	total, dialect, err := preparePages(ctx, *db, *customers, stdout)
	if err != nil {
		return err
	}
	srv, err := startServe(ctx, *bin, *db, dir, stderr)
	if err != nil {
		return err
	}
	defer srv.stop()
	crowd, err := signIn(ctx, srv.url, *users)
	if err != nil {
		return err
	}
	// A warm-up round: every user opens every page once, untimed.
	for _, u := range crowd {
		for _, p := range benchPages {
			if _, err := u.get(ctx, p); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "%s, %d customers, %d users, %s, think time %s\n", dialect, total, *users, *duration, *think)
	profiled := make(chan error, 1)
	if *cpuProfile != "" {
		go func() { profiled <- srv.profile(ctx, *cpuProfile, *duration) }()
	} else {
		profiled <- nil
	}
	res := walkPages(ctx, crowd, *duration, *think)
	if err := <-profiled; err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	return res.report(stdout, srv.peakRSS())
}

// preparePages migrates db, loads the demo and adds customers, and
// returns how many customers there are.
func preparePages(ctx context.Context, db string, customers int, stdout io.Writer) (int, storage.Dialect, error) {
	store, err := storage.Open(ctx, db)
	if err != nil {
		return 0, "", err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return 0, "", err
	}
	if err := jobs.Migrate(ctx, store); err != nil {
		return 0, "", err
	}
	if _, err := demo.Load(ctx, store); err != nil {
		return 0, "", err
	}
	if err := ensureCustomers(ctx, store, customers, stdout); err != nil {
		return 0, "", err
	}
	var n int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n); err != nil {
		return 0, "", err
	}
	return n, store.Dialect(), store.Analyze(ctx)
}

// ensureCustomers imports n load-test customers, each with one contact
// and a rep among agent1…agent10, unless they are there.
func ensureCustomers(ctx context.Context, store *storage.Store, n int, stdout io.Writer) error {
	var have int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE code LIKE 'LOAD-%'`).Scan(&have); err != nil {
		return err
	}
	if have >= n {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString("customer_code,customer_name,rep,contact_name,mobile,email\n")
	for i := have; i < n; i++ {
		fmt.Fprintf(&buf, "LOAD-%06d,LOAD-%06d 贸易有限公司,agent%d,联系人%d,+86137%08d,l%d@load.example.com\n", i, i, 1+i%10, i, i, i)
	}
	start := time.Now()
	rep, err := importer.Import(ctx, store, &buf, importer.Options{DefaultRegion: "CN"})
	if err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("load-test customers: %d rows failed: %+v", rep.Failed, rep.Errors[0])
	}
	fmt.Fprintf(stdout, "imported %d load-test customers in %s\n", n-have, time.Since(start).Round(time.Millisecond))
	return nil
}

// served is a running `touchbase serve`.
type served struct {
	cmd     *exec.Cmd
	url     string
	metrics string // the metrics listener's base URL
}

// startServe starts serve on db with a listener of its choosing and
// waits until it says where it runs.
func startServe(ctx context.Context, bin, db, dir string, stderr io.Writer) (*served, error) {
	// The metrics listener (and the profiler on it) on a free port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--data-dir", dir, "--log-level", "warn",
		"--metrics-addr", metricsAddr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// The bench's own secret key, the same every run, so a database it
	// prepared (and serve sealed secrets in) opens again next time.
	key := sha256.Sum256([]byte("touchbase-bench pages"))
	cmd.Env = append(os.Environ(), "TOUCHBASE_SECRET_KEY="+base64.StdEncoding.EncodeToString(key[:]))
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &served{cmd: cmd, metrics: "http://" + metricsAddr}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "running at "); ok {
				found <- strings.TrimSpace(u)
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			return nil, errors.New("serve stopped before it listened")
		}
		s.url = u
		return s, nil
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, errors.New("serve did not start within two minutes")
	}
}

func (s *served) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

// profile writes serve's CPU profile over d to path.
func (s *served) profile(ctx context.Context, path string, d time.Duration) error {
	u := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.metrics, max(1, int(d.Seconds())))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := outbound.NewClient(outbound.Policy{AllowPrivate: true, Timeout: d + time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return errors.New(res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// peakRSS reads serve's peak resident memory (VmHWM), "" where /proc has
// none.
func (s *served) peakRSS() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// pageUser is one signed-in browser: its own cookies and a customer of
// its own list.
type pageUser struct {
	base     string
	client   *http.Client
	customer string
}

var (
	csrfField    = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	customerLink = regexp.MustCompile(`href="/customers/(\d+)"`)
)

// signIn logs n users in, as agent1…agent10 and admin in turn, each with
// its own session.
func signIn(ctx context.Context, base string, n int) ([]*pageUser, error) {
	accounts := []string{"agent1", "agent2", "agent3", "agent4", "agent5", "agent6", "agent7", "agent8", "agent9", "agent10", "admin"}
	// One connection pool for the crowd, as many idle connections as users;
	// serve listens on loopback, which the client must be allowed to reach.
	shared := outbound.NewClient(outbound.Policy{AllowPrivate: true, Timeout: time.Minute})
	if t, ok := shared.Transport.(*http.Transport); ok {
		t.MaxIdleConns, t.MaxIdleConnsPerHost = n, n
	}
	out := make([]*pageUser, n)
	for i := range out {
		jar, _ := cookiejar.New(nil)
		c := *shared
		c.Jar = jar
		u := &pageUser{base: base, client: &c}
		account := accounts[i%len(accounts)]
		login, err := u.get(ctx, "/login")
		if err != nil {
			return nil, err
		}
		m := csrfField.FindStringSubmatch(login)
		if m == nil {
			return nil, errors.New("the login page has no CSRF token")
		}
		form := url.Values{"username": {account}, "password": {demo.Password}, "csrf_token": {m[1]}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// The login answers with a redirect, which the client does not
		// follow; the session cookie it sets is in the jar.
		res, err := u.client.Do(req)
		var redirect *outbound.RedirectError
		if err != nil && !errors.As(err, &redirect) {
			return nil, err
		}
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		list, err := u.get(ctx, "/customers")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", account, err)
		}
		if m := customerLink.FindStringSubmatch(list); m != nil {
			u.customer = m[1]
		} else {
			return nil, fmt.Errorf("%s sees no customer (not signed in?)", account)
		}
		out[i] = u
	}
	return out, nil
}

// get fetches a page, which must answer 200, and returns its body.
func (u *pageUser) get(ctx context.Context, page string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.base+strings.ReplaceAll(page, "{customer}", u.customer), nil)
	if err != nil {
		return "", err
	}
	res, err := u.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", page, res.Status)
	}
	return string(b), nil
}

// pageResults are the timings of each page, and the failed requests.
type pageResults struct {
	mu       sync.Mutex
	samples  map[string][]time.Duration
	failures map[string]int
	elapsed  time.Duration
}

// walkPages has every user walk benchPages in turn (each from its own
// starting page) until d is over.
func walkPages(ctx context.Context, crowd []*pageUser, d, think time.Duration) *pageResults {
	res := &pageResults{samples: map[string][]time.Duration{}, failures: map[string]int{}}
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for i, u := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := i; time.Now().Before(end) && ctx.Err() == nil; n++ {
				page := benchPages[n%len(benchPages)]
				t0 := time.Now()
				_, err := u.get(ctx, page)
				took := time.Since(t0)
				res.mu.Lock()
				if err != nil {
					res.failures[page]++
				} else {
					res.samples[page] = append(res.samples[page], took)
				}
				res.mu.Unlock()
				if think > 0 {
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(think)))
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func (r *pageResults) report(stdout io.Writer, rss string) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\trequests\tmedian\tp95\tp99\tmax\tfailed\t")
	var all []time.Duration
	failed := 0
	for _, p := range benchPages {
		st := Summarise(r.samples[p])
		all = append(all, r.samples[p]...)
		failed += r.failures[p]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t\n", p, st.N, ms(st.Median), ms(st.P95), ms(st.P99), ms(st.Max), r.failures[p])
	}
	st := Summarise(all)
	fmt.Fprintf(tw, "all\t%d\t%s\t%s\t%s\t%s\t%d\t\n", st.N, ms(st.Median), ms(st.P95), ms(st.P99), ms(st.Max), failed)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%.0f requests/s; serve's peak RSS %s\n", float64(st.N)/r.elapsed.Seconds(), rss)
	if failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}
