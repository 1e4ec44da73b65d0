package callback_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/bulk"
	"touchbase/internal/callback"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/receipt"
	"touchbase/internal/reply"
	"touchbase/internal/smstemplate"
	"touchbase/internal/storage"
)

// env is a bulk service sending through a provider fake, with the
// receipt callbacks served on srv.
type env struct {
	store    *storage.Store
	reg      *registry.Registry
	bulk     *bulk.Service
	receipts *receipt.Service
	replies  *reply.Service
	notify   *notify.Service
	srv      *httptest.Server
	operator *model.User
	customer *model.Customer
	finished chan *model.BulkSend
	clock    atomic.Int64 // the receipt service's clock offset, ns
}

func newEnv(t *testing.T, s *storage.Store, transport http.RoundTripper, opts callback.Options) *env {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	e := &env{store: s, finished: make(chan *model.BulkSend, 10)}
	e.reg = registry.New(s, box, channel.Env{HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: transport}})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return time.Now().Add(time.Duration(e.clock.Load())) }
	e.receipts = receipt.NewService(s, e.reg, []byte("install key"), receipt.Config{Wait: time.Nanosecond, PollRate: 1000}, log, now)
	tpl := smstemplate.NewService(s, e.reg, time.Now)
	e.bulk = bulk.NewService(s, e.reg, tpl, bulk.Config{ChunkSize: 400}, log, time.Now,
		func(_ context.Context, b *model.BulkSend) { e.finished <- b })
	e.bulk.OnSettled(e.receipts.Settled)
	e.notify = notify.NewService(s, notify.NewBotClient(http.DefaultClient, false), box, log, notify.Config{})
	e.receipts.OnSendSettled(e.notify.ReceiptsSettled)
	// No canary: the tests push receipts of the first provider calls early.
	st := model.DefaultSettings()
	st.CanaryPercent = 0
	if err := s.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	sweep := e.bulk.Register(workers)
	q, err := jobs.New(s, jobs.Options{Workers: workers, MaxWorkers: 4, PeriodicJobs: []*river.PeriodicJob{sweep},
		FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	e.bulk.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	e.replies = reply.NewService(s, nil, log, now)
	e.srv = httptest.NewServer(callback.New(e.receipts, e.replies, opts))
	t.Cleanup(e.srv.Close)
	e.operator = &model.User{Username: "op", DisplayName: "王芳", Role: model.RoleAdmin, Active: true}
	if err := s.CreateUser(ctx, e.operator); err != nil {
		t.Fatal(err)
	}
	e.customer = &model.Customer{Name: "恒信科技", Code: "HX", RepID: &e.operator.ID}
	if err := s.CreateCustomer(ctx, e.customer); err != nil {
		t.Fatal(err)
	}
	return e
}

// contacts adds n contacts with mobiles +86138xxxxxxxx from start.
func (e *env) contacts(t *testing.T, start, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := e.store.InBatch(ctx, func(b *storage.Batch) error {
		for i := start; i < start+n; i++ {
			c := &model.Contact{CustomerID: e.customer.ID, Name: fmt.Sprintf("联系人%d", i), Mobile: mobile(i)}
			if err := b.CreateContact(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func mobile(i int) string { return fmt.Sprintf("+86138%08d", i) }

// template stores an approved template of provider without variables.
func (e *env) template(t *testing.T, provider, code, sign string) int64 {
	t.Helper()
	tpl := &model.SMSTemplate{Provider: provider, Code: code, Name: "回访", Kind: model.TemplateNotice,
		Content: "您好，您的工单已处理完毕。", State: model.ReviewApproved, SignName: sign}
	if err := e.store.CreateSMSTemplate(context.Background(), tpl); err != nil {
		t.Fatal(err)
	}
	return tpl.ID
}

// send starts a bulk send to contacts.
func (e *env) send(t *testing.T, title string, tplID int64, contacts []int64) *model.BulkSend {
	t.Helper()
	pol := permission.For(e.operator, model.Settings{})
	b, err := e.bulk.Create(context.Background(), pol, e.operator, bulk.Input{Title: title, SMSText: "您好，您的工单已处理完毕。",
		SMSTemplateID: &tplID, Recipients: storage.RecipientSelection{ContactIDs: contacts}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) wait(t *testing.T, ids ...int64) {
	t.Helper()
	left := map[int64]bool{}
	for _, id := range ids {
		left[id] = true
	}
	for len(left) > 0 {
		select {
		case b := <-e.finished:
			delete(left, b.ID)
		case <-time.After(60 * time.Second):
			t.Fatalf("bulk sends %v did not finish", left)
		}
	}
}

func (e *env) counts(t *testing.T, id int64) model.Counts {
	t.Helper()
	b, err := e.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Counts
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.store.ReadDB().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var adminPolicy = permission.Policy{Admin: true}

func itoa(n int64) string { return fmt.Sprint(n) }

// sendText starts a free-text bulk send (channels without templates).
func (e *env) sendText(t *testing.T, title string, contacts []int64) *model.BulkSend {
	t.Helper()
	b, err := e.bulk.Create(context.Background(), permission.For(e.operator, model.Settings{}), e.operator,
		bulk.Input{Title: title, SMSText: "您好", Recipients: storage.RecipientSelection{ContactIDs: contacts}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
