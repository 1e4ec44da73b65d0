package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/server"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestLiveStreams reads both event streams with a real HTTP client: a bulk
// send's progress (progress events, then one final done event, then the
// end of the stream) and the operator's notifications (the unread count
// at once, the bulk send's end as it is written, the new count when it is
// marked read).
func TestLiveStreams(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		const n = 300
		w := newBulkWorld(t, s, n)
		srv := httptest.NewServer(w.e.h)
		t.Cleanup(srv.Close) // waits for every handler: a stream must end when its client goes
		opToken := w.e.token(t, w.op)

		notes := openSSE(t, srv, "notifications/stream", opToken)
		if ev, _ := notes.next(t, 10*time.Second); ev.name != "read" || ev.data["type"] != "read" || ev.data["unread"] != float64(0) {
			t.Fatalf("first notification event: %+v", ev)
		}
		mgrNotes := openSSE(t, srv, "notifications/stream", w.e.token(t, w.mgr))
		mgrNotes.next(t, 10*time.Second)

		r := w.e.do(t, "POST", "bulk-sends", `{"title":"进度","sms_text":"{{contact.name}}您好","recipients":{"has_mobile":true}}`, w.opt)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		id := r.id(t)
		progress := openSSE(t, srv, "bulk-sends/"+itoa(id)+"/events", opToken)
		watcher := openSSE(t, srv, "bulk-sends/"+itoa(id)+"/events", w.e.token(t, w.mgr)) // the manager watches too
		var seen int
		var last sseEvent
		for {
			ev, ok := progress.next(t, 60*time.Second)
			if !ok {
				break
			}
			last = ev
			switch ev.name {
			case "progress":
				seen++
				if ev.data["id"] != float64(id) || ev.data["counts"].(map[string]any)["total"] != float64(n+3) {
					t.Errorf("progress event: %v", ev.data)
				}
			case "done":
			default:
				t.Errorf("unexpected event %q", ev.name)
			}
		}
		if seen == 0 || last.name != "done" || last.data["status"] != model.BulkDone ||
			last.data["counts"].(map[string]any)["sent"] != float64(n) || last.data["finished_at"] == nil {
			t.Fatalf("%d progress events, last %+v", seen, last)
		}
		if ev := watcher.until(t, "done", 30*time.Second); ev.data["status"] != model.BulkDone {
			t.Errorf("the manager's final event: %v", ev.data)
		}
		watcher.ended(t, 5*time.Second)

		// A finished send answers one done event and ends.
		again := openSSE(t, srv, "bulk-sends/"+itoa(id)+"/events", opToken)
		if ev, _ := again.next(t, 5*time.Second); ev.name != "done" {
			t.Errorf("events of a finished send: %+v", ev)
		}
		again.ended(t, 5*time.Second)

		// The operator's notification arrived live, and only theirs.
		ev := notes.until(t, "created", 30*time.Second)
		note := ev.data["notification"].(map[string]any)
		if note["kind"] != model.NotifyBulkFinished || note["data"].(map[string]any)["bulk_send_id"] != float64(id) ||
			ev.data["unread"] != float64(1) || note["user_id"] != float64(w.op.ID) {
			t.Fatalf("created event: %v", ev.data)
		}
		if r := w.e.do(t, "POST", "notifications/"+itoa(int64(note["id"].(float64)))+"/read", nil, w.opt); r.status != 200 ||
			r.json(t)["unread"] != float64(0) {
			t.Fatalf("mark read: %v", r)
		}
		if ev := notes.until(t, "read", 30*time.Second); ev.data["unread"] != float64(0) {
			t.Errorf("read event: %v", ev.data)
		}
		select {
		case ev := <-mgrNotes.events:
			t.Errorf("the manager got the operator's notification event: %+v", ev)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

// TestStreamHeartbeatAndShutdown: an idle notification stream gets
// heartbeat comments, and ends when the notification centre stops (as it
// does when the server shuts down).
func TestStreamHeartbeatAndShutdown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		u := e.user(t, "u", model.RoleAgent, nil)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.app.Notify.Run(ctx) //nolint:errcheck
		}()
		t.Cleanup(func() { stop(); <-done })
		<-e.app.Notify.Ready()
		h := &handler{app: e.app, log: e.app.Log, tick: 20 * time.Millisecond, heartbeat: 50 * time.Millisecond}
		srv := httptest.NewServer(server.New(e.app, newMux(h), http.NotFoundHandler()).Handler())
		t.Cleanup(srv.Close)

		stream := openSSE(t, srv, "notifications/stream", e.token(t, u))
		if ev, _ := stream.next(t, 5*time.Second); ev.name != "read" {
			t.Fatalf("first event: %+v", ev)
		}
		deadline := time.Now().Add(5 * time.Second)
		for stream.pings.Load() < 2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if stream.pings.Load() < 2 {
			t.Fatalf("%d heartbeats in 5 s", stream.pings.Load())
		}
		stop()
		stream.ended(t, 5*time.Second)
	})
}
