package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/importer"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/outbound"
	"touchbase/internal/permission"
	"touchbase/internal/record"
	"touchbase/internal/storage"
)

func runBulk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bulk", stderr)
	db := fs.String("db", "sqlite:./data/bench-bulk.db", "database: sqlite:PATH or postgres://… (use a fresh one)")
	n := fs.Int("n", 100_000, "recipients (contacts created once, then reused)")
	kind := fs.String("channel", "email", "email (SMTP to a loopback sink) or sms (webhook batch calls to a loopback sink)")
	workers := fs.Int("workers", 8, "River workers in this process")
	slots := fs.Int("slots", 4, "dispatch jobs per channel")
	chunk := fs.Int("chunk", 1000, "recipients claimed per chunk")
	handOver := fs.Int("handover", 0, "e-mails handed to SMTP at once per dispatch job, each group settled before the next "+
		"(a stopped process leaves at most slots × handover unknown; 0: the default)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the dispatch to this file")
	marketing := fs.Bool("marketing", false, "a marketing send: frequency caps are checked and counted per chunk, and quiet hours apply "+
		"(the caps skip every contact of a second marketing run the same day: use a fresh database)")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
	var cfg []byte
	switch *kind {
	case "email":
		srv := sk.serveSMTP(ln)
		defer srv.Close()
		port := ln.Addr().(*net.TCPAddr).Port
		cfg, _ = json.Marshal(map[string]any{"host": "127.0.0.1", "port": port, "security": "none", "from": "bench@example.com", "max_batch": 1000})
	case "sms":
		go http.Serve(ln, sk) //nolint:errcheck
		cfg, _ = json.Marshal(map[string]any{"url": "http://" + ln.Addr().String(), "secret": "bench", "max_batch": 1000})
	default:
		return fmt.Errorf("channel: want email or sms, got %q", *kind)
	}
	key, err := channel.LoadSecretKey("", os.TempDir())
	if err != nil {
		return err
	}
	box, _ := channel.NewSecretBox(key)
	reg := registry.New(store, box, channel.Env{Network: outbound.Policy{AllowPrivate: true}})
	provider := channel.ProviderSMTP
	if *kind == "sms" {
		provider = channel.ProviderWebhook
	}
	if err := reg.Save(ctx, operator.ID, channel.Kind(*kind), provider, cfg, 0); err != nil {
		return err
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	finished := make(chan *model.BulkSend, 1)
	// The records' keyword indexer runs as in serve: every few seconds,
	// giving way to the send, and once the send finishes.
	recs := record.NewService(store, reg, nil, nil, time.Now)
	svc := bulk.NewService(store, reg, nil, bulk.Config{ChunkSize: *chunk, Slots: *slots, WorkBudget: 20 * time.Second,
		HandOver: *handOver}, log, time.Now,
		func(ctx context.Context, b *model.BulkSend) {
			if err := recs.IndexSoon(ctx); err != nil {
				fmt.Fprintf(stdout, "queue record indexing: %v\n", err)
			}
			finished <- b
		})
	w := river.NewWorkers()
	svc.Register(w)
	periodic := recs.Register(w)
	poll := time.Duration(0)
	if store.Dialect() == storage.SQLite {
		poll = 100 * time.Millisecond
	}
	q, err := jobs.New(store, jobs.Options{Workers: w, MaxWorkers: *workers, FetchPoll: poll, Log: log,
		PeriodicJobs: periodic})
	if err != nil {
		return err
	}
	svc.SetQueue(q)
	recs.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		return err
	}
	defer q.Stop(context.Background()) //nolint:errcheck

	in := bulk.Input{Title: "bench " + time.Now().Format(time.RFC3339), Recipients: storage.RecipientSelection{Query: "BENCH-"}}
	if *kind == "sms" {
		in.SMSText, in.Recipients.HasMobile = "{{contact.name}}您好，{{customer.name}}的年度回馈活动已开始，详询您的专属客服。", true
	} else {
		in.EmailSubject, in.EmailBody, in.Recipients.HasEmail = "{{customer.name}}：年度回馈", "{{contact.name}}，您好：\n\n感谢一年来的支持。\n\n{{user.name}}", true
	}
	in.Marketing = *marketing
	pol := permission.Policy{Admin: true}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	startAccept := time.Now()
	b, err := svc.Create(ctx, pol, operator, in)
	if err != nil {
		return err
	}
	accept := time.Since(startAccept)
	cpuAtAccept := sampleCPU()
	fmt.Fprintf(stdout, "%s, %s: accepted %d recipients in %s\n", store.Dialect(), *kind, b.Counts.Total, accept.Round(time.Millisecond))
	var done *model.BulkSend
	select {
	case done = <-finished:
	case <-ctx.Done():
		return ctx.Err()
	}
	total := time.Since(startAccept)
	cpu := cpuSince(cpuAtAccept, total-accept)
	indexed, err := waitIndexed(ctx, store)
	if err != nil {
		return err
	}
	var records int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1`, b.ID).Scan(&records); err != nil {
		return err
	}
	distinct, dups := sk.tally()
	missing, err := missingAtSink(ctx, store, b.ID, sk)
	if err != nil {
		return err
	}
	dispatch := total - accept
	c := done.Counts
	fmt.Fprintf(stdout, "sent %d, failed %d, skipped %d, pending %d; records %d\n", c.Sent, c.Failed, c.Skipped, c.Pending, records)
	fmt.Fprintf(stdout, "dispatch: %s from acceptance to the last record (%.0f messages/s)\n", dispatch.Round(time.Millisecond),
		float64(c.Sent)/dispatch.Seconds())
	fmt.Fprintf(stdout, "CPU during dispatch: %s\n", cpu)
	fmt.Fprintf(stdout, "keyword index: every record indexed %s after the last record\n", indexed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "sink: %d distinct messages, %d duplicates, %d sent-but-missing\n", distinct, dups, missing)
	fmt.Fprintf(stdout, "peak RSS: %s\n", peakRSS())
	if dups > 0 || missing > 0 || c.Total != c.Sent+c.Failed+c.Skipped || records != c.Sent {
		return fmt.Errorf("delivery check failed")
	}
	return nil
}

// openWithContacts opens and migrates db (River's tables too) and makes
// sure it holds n bench contacts; it returns the store and the operator.
func openWithContacts(ctx context.Context, db string, n int, stdout io.Writer) (*storage.Store, *model.User, error) {
	store, err := storage.Open(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	operator, err := func() (*model.User, error) {
		if _, err := store.Migrate(ctx); err != nil {
			return nil, err
		}
		if err := jobs.Migrate(ctx, store); err != nil {
			return nil, err
		}
		operator, err := benchOperator(ctx, store)
		if err != nil {
			return nil, err
		}
		return operator, ensureContacts(ctx, store, n, operator.ID, stdout)
	}()
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, operator, nil
}

// benchOperator returns (creating once) the admin who runs bench sends.
func benchOperator(ctx context.Context, store *storage.Store) (*model.User, error) {
	u, err := store.UserByUsername(ctx, "bench")
	if err == nil {
		return u, nil
	}
	u = &model.User{Username: "bench", DisplayName: "压测", Role: model.RoleAdmin, Active: true}
	return u, store.CreateUser(ctx, u)
}

// ensureContacts imports n bench contacts (2.5 per customer) unless there.
func ensureContacts(ctx context.Context, store *storage.Store, n int, repID int64, stdout io.Writer) error {
	var have int
	if err := store.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contacts ct JOIN customers c ON c.id = ct.customer_id
		WHERE c.code LIKE 'BENCH-%'`).Scan(&have); err != nil {
		return err
	}
	if have >= n {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString("customer_code,customer_name,contact_name,mobile,email\n")
	for i := have; i < n; i++ {
		cust := i * 2 / 5
		fmt.Fprintf(&buf, "BENCH-%06d,BENCH-%06d 科技有限公司,联系人%d,+86138%08d,c%d@bench.example.com\n", cust, cust, i, i, i)
	}
	start := time.Now()
	rep, err := importer.Import(ctx, store, &buf, importer.Options{DefaultRegion: "CN", DefaultRepID: &repID})
	if err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("bench contacts: %d rows failed: %+v", rep.Failed, rep.Errors[0])
	}
	fmt.Fprintf(stdout, "imported %d bench contacts in %s\n", rep.ContactsCreated, time.Since(start).Round(time.Millisecond))
	return nil
}

// missingAtSink counts recipients the database calls sent that the sink
// never received.
func missingAtSink(ctx context.Context, store *storage.Store, bulkID int64, sk *sink) (int, error) {
	missing := 0
	err := eachRecipient(ctx, store, bulkID, model.RecipientSent, func(r *model.BulkRecipient) {
		if !sk.has("b" + strconv.FormatInt(r.ID, 10)) {
			missing++
		}
	})
	return missing, err
}

// eachRecipient calls fn for every recipient of a send in status, a page
// at a time.
func eachRecipient(ctx context.Context, store *storage.Store, bulkID int64, status string, fn func(*model.BulkRecipient)) error {
	for after := int64(0); ; {
		rows, err := store.ListRecipients(ctx, bulkID, storage.RecipientFilter{Status: status, AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, r := range rows {
			fn(r)
			after = r.ID
		}
		if len(rows) < 1000 {
			return nil
		}
	}
}

// peakRSS reads the process's peak resident set size.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}

// waitIndexed waits until no record waits for the keyword index and
// returns how long that took.
func waitIndexed(ctx context.Context, store *storage.Store) (time.Duration, error) {
	start := time.Now()
	for {
		n, err := store.QueuedRecords(ctx)
		if err != nil || n == 0 {
			return time.Since(start), err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
