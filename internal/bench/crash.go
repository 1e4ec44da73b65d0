package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/outbound"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// runCrash kills `touchbase serve` with SIGKILL several times while it
// delivers a bulk send, restarting it each time, then checks at the sink
// and in the database that nobody got the message twice, nobody was lost,
// and the counts add up.
func runCrash(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("crash", stderr)
	db := fs.String("db", "", "database: sqlite:PATH or postgres://… (a fresh one; default: a temporary SQLite file)")
	n := fs.Int("n", 100_000, "recipients")
	kills := fs.Int("kills", 3, "SIGKILLs during the send")
	bin := fs.String("bin", "", "touchbase binary (default: build ./cmd/touchbase)")
	stale := fs.Duration("stale-after", 10*time.Second, "serve --stale-after: how soon a dead process's claims are recovered")
	kind := fs.String("channel", "sms", "sms (webhook batch calls to a loopback sink, which honours refs) or "+
		"email (SMTP to a loopback sink: a message cannot be asked for again)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := serveWorkspace(ctx, "touchbase-crash-", db, bin, stderr)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	keyBytes := make([]byte, 32)
	_, _ = rand.Read(keyBytes)
	key := base64.StdEncoding.EncodeToString(keyBytes)

	store, operator, err := openWithContacts(ctx, *db, *n, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	sk := newSink()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	in := bulk.Input{Title: "crash test", Recipients: storage.RecipientSelection{Query: "BENCH-"}}
	provider, cfg := channel.ProviderWebhook, []byte(nil)
	switch *kind {
	case "sms":
		go http.Serve(ln, sk) //nolint:errcheck
		cfg, _ = json.Marshal(map[string]any{"url": "http://" + ln.Addr().String(), "secret": "crash", "max_batch": 1000})
		in.SMSText, in.Recipients.HasMobile = "{{contact.name}}您好", true
	case "email":
		srv := sk.serveSMTP(ln)
		defer srv.Close()
		provider = channel.ProviderSMTP
		cfg, _ = json.Marshal(map[string]any{"host": "127.0.0.1", "port": ln.Addr().(*net.TCPAddr).Port, "security": "none",
			"from": "crash@example.com", "max_batch": 1000})
		in.EmailSubject, in.EmailBody, in.Recipients.HasEmail = "{{customer.name}}", "{{contact.name}}，您好", true
	default:
		return fmt.Errorf("channel: want sms or email, got %q", *kind)
	}
	box, _ := channel.NewSecretBox(keyBytes)
	reg := registry.New(store, box, channel.Env{Network: outbound.Policy{AllowPrivate: true}})
	if err := reg.Save(ctx, operator.ID, channel.Kind(*kind), provider, cfg, 0); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := bulk.NewService(store, reg, nil, bulk.Config{}, log, time.Now, nil)
	q, err := jobs.New(store, jobs.Options{Log: log}) // insert only: the serve processes work
	if err != nil {
		return err
	}
	svc.SetQueue(q)
	b, err := svc.Create(ctx, permission.Policy{Admin: true}, operator, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: bulk send %d with %d recipients accepted\n", store.Dialect(), b.ID, b.Counts.Total)

	serve := func() (*exec.Cmd, error) {
		cmd := exec.CommandContext(ctx, *bin, "serve", "--db", *db, "--addr", "127.0.0.1:0", "--data-dir", dir,
			"--stale-after", stale.String(), "--log-level", "warn", "--allow-private-providers")
		cmd.Env = append(os.Environ(), "TOUCHBASE_SECRET_KEY="+key, "TOUCHBASE_ADMIN_PASSWORD=crash-test-pw")
		cmd.Stdout, cmd.Stderr = io.Discard, stderr
		return cmd, cmd.Start()
	}
	start := time.Now()
	for k := 1; k <= *kills; k++ {
		cmd, err := serve()
		if err != nil {
			return err
		}
		// Kill when the sink has seen about k/(kills+1) of the messages.
		target := *n * k / (*kills + 1)
		for {
			got, _ := sk.tally()
			if got >= target {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			return err
		}
		_ = cmd.Wait()
		got, _ := sk.tally()
		fmt.Fprintf(stdout, "kill %d: SIGKILL at %d messages received (%s)\n", k, got, time.Since(start).Round(time.Millisecond))
	}
	cmd, err := serve()
	if err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	deadline := time.Now().Add(15 * time.Minute)
	var final *model.BulkSend
	for {
		final, err = store.BulkSendByID(ctx, permission.Policy{Admin: true}, b.ID)
		if err != nil {
			return err
		}
		if final.Status == model.BulkDone {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bulk send not done after 15 minutes: %+v", final.Counts)
		}
		time.Sleep(250 * time.Millisecond)
	}
	fmt.Fprintf(stdout, "done after %s\n", time.Since(start).Round(time.Millisecond))
	// The last serve process indexes the send's records for keyword search
	// (those queued before a kill included).
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	indexed, err := waitIndexed(wctx, store)
	if err != nil {
		return fmt.Errorf("keyword index: records still queued: %w", err)
	}
	fmt.Fprintf(stdout, "keyword index: every record indexed %s after that\n", indexed.Round(time.Millisecond))
	return crashReport(ctx, store, final, sk, *kills, stdout)
}

// serveWorkspace makes a temporary directory for a benchmark that runs
// serve, defaults *db to an SQLite file in it and *bin to touchbase built
// into it, and returns it (the caller removes it).
func serveWorkspace(ctx context.Context, prefix string, db, bin *string, stderr io.Writer) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if *db == "" {
		*db = "sqlite:" + filepath.Join(dir, "touchbase.db")
	}
	if *bin == "" {
		*bin = filepath.Join(dir, "touchbase")
		build := exec.CommandContext(ctx, "go", "build", "-o", *bin, "./cmd/touchbase")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("build touchbase: %w", err)
		}
	}
	return dir, nil
}

func crashReport(ctx context.Context, store *storage.Store, b *model.BulkSend, sk *sink, kills int, stdout io.Writer) error {
	c := b.Counts
	distinct, dups := sk.tally()
	missing, err := missingAtSink(ctx, store, b.ID, sk)
	if err != nil {
		return err
	}
	var records int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID).Scan(&records); err != nil {
		return err
	}
	unknown, arrived := 0, 0
	err = eachRecipient(ctx, store, b.ID, model.RecipientFailed, func(r *model.BulkRecipient) {
		if r.Reason == model.FailOutcomeUnknown {
			unknown++
			if sk.has("b" + strconv.FormatInt(r.ID, 10)) {
				arrived++
			}
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recipients %d = sent %d + failed %d + skipped %d (pending %d); records %d\n",
		c.Total, c.Sent, c.Failed, c.Skipped, c.Pending, records)
	fmt.Fprintf(stdout, "sink: %d distinct, %d duplicates; sent but not received: %d\n", distinct, dups, missing)
	fmt.Fprintf(stdout, "re-sent after a kill under the same ref (recognised by the receiver): %d\n", sk.repeated())
	fmt.Fprintf(stdout, "outcome unknown after a kill (failed, for the operator to decide): %d (%.1f per kill), of which %d had arrived\n",
		unknown, float64(unknown)/float64(max(kills, 1)), arrived)
	var errs []error
	if dups > 0 {
		errs = append(errs, fmt.Errorf("%d duplicates", dups))
	}
	if missing > 0 {
		errs = append(errs, fmt.Errorf("%d sent but never received", missing))
	}
	if c.Total != c.Sent+c.Failed+c.Skipped || c.Pending != 0 {
		errs = append(errs, errors.New("counts do not add up"))
	}
	if records != c.Sent {
		errs = append(errs, fmt.Errorf("%d records for %d sent", records, c.Sent))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "PASS: no duplicates, nobody lost, counts add up")
	return nil
}
