package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"touchbase/internal/demo"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/record"
	"touchbase/internal/storage"
)

func runRecords(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("records", stderr)
	db := fs.String("db", "sqlite:./data/bench-records.db", "database: sqlite:PATH or postgres://…")
	n := fs.Int("n", 1_000_000, "number of contact records to have in the database")
	runs := fs.Int("runs", 25, "timed runs of each query")
	count := fs.Bool("count", false, "time the list's total (up to record.CountCap) instead of its first page")
	export := fs.String("export", "", "instead of timing queries, export every record as csv or xlsx and report time and peak RSS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := storage.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	if _, err := demo.Load(ctx, store); err != nil {
		return err
	}
	have, err := store.CountRecords(ctx)
	if err != nil {
		return err
	}
	if have < int64(*n) {
		start := time.Now()
		if err := generateRecords(ctx, store, *n-int(have), stdout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated %d records in %s\n", *n-int(have), time.Since(start).Round(time.Millisecond))
	}
	if err := spreadTopics(ctx, store); err != nil {
		return err
	}
	if err := store.Analyze(ctx); err != nil {
		return err
	}
	total, _ := store.CountRecords(ctx)
	if *export != "" {
		var out countingWriter
		start := time.Now()
		svc := record.NewService(store, nil, nil, nil, time.Now)
		if err := svc.Export(ctx, permission.Policy{Admin: true}, storage.RecordFilter{}, *export, "zh-CN", time.UTC, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: exported %d records as %s (%d MB) in %s; peak RSS %s\n", store.Dialect(), total, *export,
			out.n>>20, time.Since(start).Round(time.Millisecond), peakRSS())
		return nil
	}
	what := "first page of 50"
	if *count {
		what = fmt.Sprintf("the total, up to %d", record.CountCap)
	}
	fmt.Fprintf(stdout, "%s, %d records, %d runs per query, %s\n", store.Dialect(), total, *runs, what)
	return measureRecordQueries(ctx, store, *runs, *count, stdout)
}

// generateRecords writes n records spread over the demo contacts, their
// reps, every channel and source, and the last two years.
func generateRecords(ctx context.Context, store *storage.Store, n int, stdout io.Writer) error {
	admin := permission.Policy{Admin: true}
	var contacts []*model.Contact
	for off := 0; ; off += 1000 {
		page, err := store.ListContacts(ctx, admin, storage.ContactFilter{Limit: 1000, Offset: off})
		if err != nil {
			return err
		}
		contacts = append(contacts, page...)
		if len(page) < 1000 {
			break
		}
	}
	customers := map[int64]*model.Customer{}
	for off := 0; ; off += 500 {
		page, _, err := store.ListCustomers(ctx, admin, storage.CustomerFilter{Limit: 500, Offset: off})
		if err != nil {
			return err
		}
		for _, c := range page {
			customers[c.ID] = c
		}
		if len(page) < 500 {
			break
		}
	}
	users, err := store.ListUsers(ctx, storage.UserFilter{})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	channels := []string{model.ChannelPhone, model.ChannelSMS, model.ChannelEmail, model.ChannelVisit, model.ChannelWeChat}
	words := []string{"续费", "回访", "报价", "投诉处理", "培训", "安装", "满意度", "renewal", "follow-up", "invoice"}
	end := time.Now()
	const batch = 20000
	for done := 0; done < n; {
		size := min(batch, n-done)
		recs := make([]*model.Record, size)
		for i := range recs {
			ct := contacts[rng.IntN(len(contacts))]
			cust := customers[ct.CustomerID]
			uid := users[rng.IntN(len(users))].ID
			if cust.RepID != nil && rng.IntN(100) < 70 {
				uid = *cust.RepID
			}
			ch := channels[rng.IntN(len(channels))]
			src := model.SourceManual
			switch {
			case ch == model.ChannelSMS || ch == model.ChannelEmail:
				src = []string{model.SourceSingle, model.SourceBulk, model.SourceBulk, model.SourcePlan}[rng.IntN(4)]
			case rng.IntN(10) == 0:
				src = model.SourcePlan
			}
			w := words[rng.IntN(len(words))]
			summary := w + "：" + strings.Repeat("客户反馈良好。", 1+rng.IntN(3))
			switch n := rng.IntN(1000); { // keywords of middling and low frequency
			case n < 10:
				summary += "发票已寄出。"
			case n == 10:
				summary += "同意退款。"
			}
			contactID := ct.ID
			recs[i] = &model.Record{
				CustomerID: ct.CustomerID, ContactID: &contactID, UserID: &uid, Channel: ch, Source: src,
				Status: model.RecordDone, Title: w, Summary: summary,
				ContactedAt: end.Add(-time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour)))),
			}
		}
		if err := store.InsertRecords(ctx, recs); err != nil {
			return err
		}
		done += size
		if done%200000 == 0 || done == n {
			fmt.Fprintf(stdout, "  %d/%d\n", done, n)
		}
	}
	return nil
}

// spreadTopics gives three records in ten a topic (idempotent).
func spreadTopics(ctx context.Context, store *storage.Store) error {
	topics, err := store.ListTopics(ctx, true)
	if err != nil {
		return err
	}
	ids := make([]int64, len(topics))
	for i, t := range topics {
		ids[i] = t.ID
	}
	return store.SpreadRecordTopics(ctx, ids, 3)
}

// countingWriter discards what it is given and counts the bytes.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// recordQuery is one filter the records page offers.
type recordQuery struct {
	name string
	f    func(pick *picks) storage.RecordFilter
}

// picks are filter values chosen from the data, varied between runs.
type picks struct {
	rng       *rand.Rand
	customers []int64
	contacts  []int64
	users     []int64
	teams     []int64
	topics    []int64
}

func (p *picks) one(xs []int64) int64 { return xs[p.rng.IntN(len(xs))] }

var recordQueries = []recordQuery{
	{"no filter", func(p *picks) storage.RecordFilter { return storage.RecordFilter{} }},
	{"customer", func(p *picks) storage.RecordFilter { return storage.RecordFilter{CustomerID: p.one(p.customers)} }},
	{"contact", func(p *picks) storage.RecordFilter { return storage.RecordFilter{ContactID: p.one(p.contacts)} }},
	{"rep", func(p *picks) storage.RecordFilter { return storage.RecordFilter{UserID: p.one(p.users)} }},
	{"team", func(p *picks) storage.RecordFilter { return storage.RecordFilter{TeamID: p.one(p.teams)} }},
	{"channel=visit", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Channel: model.ChannelVisit} }},
	{"source=plan", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Source: model.SourcePlan} }},
	{"topic", func(p *picks) storage.RecordFilter { return storage.RecordFilter{TopicID: p.one(p.topics)} }},
	{"last 7 days", func(p *picks) storage.RecordFilter {
		return storage.RecordFilter{From: time.Now().AddDate(0, 0, -7)}
	}},
	{"a day a year ago", func(p *picks) storage.RecordFilter {
		d := time.Now().AddDate(-1, 0, -p.rng.IntN(30))
		return storage.RecordFilter{From: d, To: d.AddDate(0, 0, 1)}
	}},
	{"keyword 投诉 (common, 2 chars)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "投诉"} }},
	{"keyword renewal (common)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "renewal"} }},
	{"keyword 不存在 (absent)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "不存在"} }},
	{"keyword 缺失 (absent, 2 chars)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "缺失"} }},
	{"keyword 发票 (1 in 100, 2 chars)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "发票"} }},
	{"keyword 退款 (1 in 1,000, 2 chars)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "退款"} }},
	{"keyword 费 (common, 1 char)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "费"} }},
	{"keyword 缺 (absent, 1 char)", func(p *picks) storage.RecordFilter { return storage.RecordFilter{Query: "缺"} }},
	{"customer+channel+90 days", func(p *picks) storage.RecordFilter {
		return storage.RecordFilter{CustomerID: p.one(p.customers), Channel: model.ChannelPhone, From: time.Now().AddDate(0, 0, -90)}
	}},
}

// measureRecordQueries times each query of recordQueries for an admin and
// an agent: the first page, or with count the capped total.
func measureRecordQueries(ctx context.Context, store *storage.Store, runs int, count bool, stdout io.Writer) error {
	p, err := loadPicks(ctx, store)
	if err != nil {
		return err
	}
	settings, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	agent, err := store.UserByUsername(ctx, "agent2")
	if err != nil {
		return err
	}
	who := []struct {
		name string
		pol  permission.Policy
	}{
		{"admin", permission.Policy{Admin: true}},
		{"agent2 (team scope)", permission.For(agent, settings)},
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tuser\tmedian\tp95\tmax\trows\t")
	for _, q := range recordQueries {
		for _, w := range who {
			samples := make([]time.Duration, 0, runs)
			rows := 0
			for i := 0; i < runs+2; i++ {
				f := q.f(p)
				f.Limit = 50
				start := time.Now()
				n, err := timedRecordQuery(ctx, store, w.pol, f, count)
				d := time.Since(start)
				if err != nil {
					return fmt.Errorf("%s: %w", q.name, err)
				}
				if i >= 2 { // two warm-up runs
					samples = append(samples, d)
					rows = n
				}
			}
			st := Summarise(samples)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", q.name, w.name, ms(st.Median), ms(st.P95), ms(st.Max), rows)
		}
	}
	return tw.Flush()
}

// timedRecordQuery runs one query of the records page: its first page (the
// rows on it) or its capped total.
func timedRecordQuery(ctx context.Context, store *storage.Store, p permission.Policy, f storage.RecordFilter, count bool) (int, error) {
	if count {
		return store.CountVisibleRecords(ctx, p, f, record.CountCap)
	}
	page, _, err := store.ListRecords(ctx, p, f)
	return len(page), err
}

func loadPicks(ctx context.Context, store *storage.Store) (*picks, error) {
	p := &picks{rng: rand.New(rand.NewPCG(1, 2))}
	admin := permission.Policy{Admin: true}
	cs, _, err := store.ListCustomers(ctx, admin, storage.CustomerFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		p.customers = append(p.customers, c.ID)
	}
	cts, err := store.ListContacts(ctx, admin, storage.ContactFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, c := range cts {
		p.contacts = append(p.contacts, c.ID)
	}
	us, err := store.ListUsers(ctx, storage.UserFilter{})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		p.users = append(p.users, u.ID)
	}
	ts, err := store.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		p.teams = append(p.teams, t.ID)
	}
	tps, err := store.ListTopics(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, t := range tps {
		p.topics = append(p.topics, t.ID)
	}
	return p, nil
}
