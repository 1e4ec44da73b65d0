package demo_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/demo"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// TestSimulatedWeCom: the demo's simulated WeCom maps every rep to a
// member, and most of the customers who added a rep to their contact
// (the rest wait for review); a restart of serve starts it again on a new
// port with the same data; a real connection is never replaced.
func TestSimulatedWeCom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, s); err != nil {
			t.Fatal(err)
		}
		box, _ := channel.NewSecretBox(make([]byte, 32))
		svc := wecom.NewService(s, box, &http.Client{Timeout: 10 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
		var counts storage.WeComCounts
		for run := range 2 {
			sim, err := demo.StartWeCom(ctx, s, svc)
			if err != nil || sim == nil {
				t.Fatalf("run %d: %v", run, err)
			}
			st, _ := svc.Settings(ctx)
			if !st.Configured || !st.Config.Simulated || st.Config.BaseURL != sim.URL {
				t.Fatalf("run %d: settings %+v", run, st)
			}
			members, _ := svc.Members(ctx)
			mapped := 0
			for _, m := range members {
				if m.UserID != nil {
					mapped++
				}
			}
			if mapped != 10 {
				t.Fatalf("run %d: %d of %d members mapped, want the 10 reps", run, mapped, len(members))
			}
			c, err := svc.Counts(ctx)
			if err != nil || c.Externals < 500 || c.Review == 0 || c.Matched+c.Review != c.Externals || c.Review*10 > c.Externals {
				t.Fatalf("run %d: counts %+v %v", run, c, err)
			}
			if run == 1 && c != counts {
				t.Fatalf("the restart changed the identities: %+v then %+v", counts, c)
			}
			counts = c
			if run == 0 {
				confirmsByThemselves(t, ctx, s, svc, sim)
			}
			sim.Close()
		}
		// An admin connects a real WeCom: the demo leaves it alone.
		real := wecom.Config{CorpID: "ww1436e0e65a779aee", ContactSecret: "real-secret"}
		users, _ := s.ListUsers(ctx, storage.UserFilter{})
		if err := svc.Save(ctx, users[0].ID, real); err != nil {
			t.Fatal(err)
		}
		if sim, err := demo.StartWeCom(ctx, s, svc); err != nil || sim != nil {
			t.Fatalf("with a real connection: %v %v", sim, err)
		}
		if st, _ := svc.Settings(ctx); st.Config.Simulated || st.Config.CorpID != real.CorpID {
			t.Fatalf("the real connection was replaced: %+v", st)
		}
	})
}

// confirmsByThemselves: the simulated members confirm a mass-message task
// by themselves, after demo.ConfirmDelay (shortened here).
func confirmsByThemselves(t *testing.T, ctx context.Context, s *storage.Store, svc *wecom.Service, sim *fakewecom.Server) {
	t.Helper()
	if sim.AutoConfirm() != demo.ConfirmDelay {
		t.Fatalf("simulated members confirm after %v, want %v", sim.AutoConfirm(), demo.ConfirmDelay)
	}
	sim.SetAutoConfirm(50 * time.Millisecond)
	cl, err := svc.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exts, err := s.WeComExternals(ctx, storage.WeComExternalFilter{Limit: 1})
	if err != nil || len(exts) == 0 || len(exts[0].Follows) == 0 {
		t.Fatalf("no followed external contact: %v", err)
	}
	sender, receiver := exts[0].Follows[0].MemberID, exts[0].ID
	msgID, refused, err := cl.AddGroupMsg(ctx, wecom.GroupMsg{Sender: sender, Receivers: []string{receiver}, Text: "演示群发"})
	if err != nil || len(refused) != 0 {
		t.Fatalf("add a task: %v, refused %v", err, refused)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		tasks, err := cl.GroupMsgTasks(ctx, msgID)
		if err == nil && len(tasks) == 1 && tasks[0].Status == wecom.TaskSent {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the simulated member did not confirm: %v %v", tasks, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
