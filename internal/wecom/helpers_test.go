package wecom_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// env is one process's WeCom service on a store, connected to a fake.
type env struct {
	store *storage.Store
	svc   *wecom.Service
	fake  *fakewecom.Server
	admin *model.User
}

var testKey = make([]byte, 32)

// newEnv builds the service on s, saves the fake's connection, and, with
// work, starts River workers for its jobs.
func newEnv(t *testing.T, s *storage.Store, fake *fakewecom.Server, work bool) *env {
	t.Helper()
	ctx := context.Background()
	box, err := channel.NewSecretBox(testKey)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := wecom.NewService(s, box, &http.Client{Timeout: 10 * time.Second}, log, time.Now)
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	o := jobs.Options{Log: log, FetchPoll: 50 * time.Millisecond}
	if work {
		w := river.NewWorkers()
		svc.Register(w)
		o.Workers, o.MaxWorkers = w, 4
	}
	q, err := jobs.New(s, o)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetQueue(q)
	if work {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(sctx) //nolint:errcheck
		})
	}
	e := &env{store: s, svc: svc, fake: fake}
	if u, err := s.UserByUsername(ctx, "admin"); err == nil {
		e.admin = u
	} else {
		e.admin = &model.User{Username: "admin", DisplayName: "管理员", Role: model.RoleAdmin, Active: true}
		if err := s.CreateUser(ctx, e.admin); err != nil {
			t.Fatal(err)
		}
	}
	if fake != nil {
		var cfg wecom.Config
		if err := json.Unmarshal(fake.ConfigJSON(), &cfg); err != nil {
			t.Fatal(err)
		}
		if err := svc.Save(ctx, e.admin.ID, cfg); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
