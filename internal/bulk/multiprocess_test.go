package bulk_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/pgtest"
)

// tagged adds a header naming the process to every provider request.
type tagged struct{ name string }

func (t tagged) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Process", t.name)
	return http.DefaultTransport.RoundTrip(r)
}

// TestTwoProcessesShareOneSend runs two independent bulk services, each
// with its own store connection and River client, on one PostgreSQL
// database: they split one send's work, nobody is sent twice, and the
// rate limit holds across both.
func TestTwoProcessesShareOneSend(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	ctx := context.Background()
	var mu sync.Mutex
	refs := map[string]int{}
	byProcess := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Messages []struct{ Ref string } }
		json.NewDecoder(r.Body).Decode(&body)
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		for _, m := range body.Messages {
			refs[m.Ref]++
		}
		byProcess[r.Header.Get("X-Process")] += len(body.Messages)
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()

	box, _ := channel.NewSecretBox(make([]byte, 32))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	finished := make(chan int64, 4)
	var first *bulk.Service
	var firstStore *storage.Store
	for _, name := range []string{"A", "B"} {
		s, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		reg := registry.New(s, box, channel.Env{HTTPClient: &http.Client{Transport: tagged{name}, Timeout: 5 * time.Second}})
		svc := bulk.NewService(s, reg, nil, bulk.Config{ChunkSize: 50, Slots: 6, WorkBudget: 300 * time.Millisecond}, log, time.Now,
			func(_ context.Context, b *model.BulkSend) { finished <- b.ID })
		w := river.NewWorkers()
		svc.Register(w)
		q, err := jobs.New(s, jobs.Options{Workers: w, MaxWorkers: 4, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		svc.SetQueue(q)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(sctx)
		})
		if first == nil {
			first, firstStore = svc, s
		}
	}
	// No canary: it would let one slot send a send this small almost alone.
	st := model.DefaultSettings()
	st.CanaryPercent = 0
	if err := firstStore.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	e := &env{store: firstStore, svc: first}
	e.operator = &model.User{Username: "op", Role: model.RoleAdmin, Active: true}
	if err := firstStore.CreateUser(ctx, e.operator); err != nil {
		t.Fatal(err)
	}
	e.contacts(t, 2000)
	cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "k", "max_batch": 50})
	reg := registry.New(firstStore, box, channel.Env{})
	const rate = 2000 // messages per second, across both processes
	if err := reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, cfg, rate); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	b, err := first.Create(ctx, permission.Policy{Admin: true}, e.operator, bulk.Input{Title: "shared", SMSText: "hi",
		Recipients: storage.RecipientSelection{HasMobile: true}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-finished:
		if id != b.ID {
			t.Fatalf("finished %d", id)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("send did not finish")
	}
	took := time.Since(start)
	done, _ := firstStore.BulkSendByID(ctx, permission.Policy{Admin: true}, b.ID)
	mu.Lock()
	defer mu.Unlock()
	if done.Counts.Sent != 2001 || len(refs) != 2001 {
		t.Fatalf("sent %d, provider saw %d refs", done.Counts.Sent, len(refs))
	}
	for ref, n := range refs {
		if n != 1 {
			t.Fatalf("ref %s sent %d times", ref, n)
		}
	}
	if byProcess["A"] == 0 || byProcess["B"] == 0 {
		t.Fatalf("one process did all the work: %v", byProcess)
	}
	// 2,001 messages at 2,000/s, reserved 50 at a time: at least ~0.95 s.
	if took < 900*time.Millisecond {
		t.Fatalf("rate limit not held across processes: 2,001 messages in %v", took)
	}
	t.Logf("process A sent %d, B sent %d, in %v", byProcess["A"], byProcess["B"], took)
}
