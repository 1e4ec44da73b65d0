package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
)

func TestNotifyListAndMarkRead(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice, bob := newUser(t, s, "alice", ""), newUser(t, s, "bob", "")
		svc := newService(s, nil, nil)
		var ids []int64
		for _, title := range []string{"a", "b", "c"} {
			n, err := svc.Notify(ctx, alice.ID, notify.Message{Kind: model.NotifySystem, Title: title,
				Link: "/plans?due=today", Data: json.RawMessage(`{"x":1}`)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		if n, _ := svc.UnreadCount(ctx, alice.ID); n != 3 {
			t.Fatalf("unread = %d", n)
		}
		if err := svc.MarkRead(ctx, bob.ID, ids[0]); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("bob marks alice's: %v", err)
		}
		if err := svc.MarkRead(ctx, alice.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		unread, err := svc.List(ctx, alice.ID, storage.NotificationFilter{UnreadOnly: true})
		if err != nil || len(unread) != 2 || unread[0].ID != ids[2] || string(unread[0].Data) != `{"x":1}` {
			t.Fatalf("unread list = %+v, %v", unread, err)
		}
		page, _ := svc.List(ctx, alice.ID, storage.NotificationFilter{BeforeID: ids[2], Limit: 1})
		if len(page) != 1 || page[0].ID != ids[1] {
			t.Fatalf("second page = %+v", page)
		}
		if n, err := svc.MarkAllRead(ctx, alice.ID); err != nil || n != 2 {
			t.Fatalf("mark all = %d, %v", n, err)
		}
		if n, _ := svc.UnreadCount(ctx, alice.ID); n != 0 {
			t.Fatalf("unread after all = %d", n)
		}
	})
}

func TestNotifyValidates(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice := newUser(t, s, "alice", "")
		svc := newService(s, nil, nil)
		for _, tc := range []struct {
			field string
			m     notify.Message
		}{
			{"kind", notify.Message{Kind: "", Title: "t"}},
			{"kind", notify.Message{Kind: "Bulk-Done", Title: "t"}},
			{"title", notify.Message{Kind: "system", Title: "  \x00 "}},
			{"link", notify.Message{Kind: "system", Title: "t", Link: "https://evil.example/"}},
			{"link", notify.Message{Kind: "system", Title: "t", Link: "//evil.example/"}},
			{"link", notify.Message{Kind: "system", Title: "t", Link: `/\evil.example`}},
			{"link", notify.Message{Kind: "system", Title: "t", Link: "bulk/1"}},
			{"data", notify.Message{Kind: "system", Title: "t", Data: json.RawMessage(`{`)}},
			{"data", notify.Message{Kind: "system", Title: "t", Data: func() {}}},
		} {
			_, err := svc.Notify(ctx, alice.ID, tc.m)
			ve, ok := model.AsValidation(err)
			if !ok || ve.For(tc.field) == nil {
				t.Errorf("%+v: %v, want an error on %s", tc.m, err, tc.field)
			}
		}
		long := strings.Repeat("长", 5000)
		n, err := svc.Notify(ctx, alice.ID, notify.Message{Kind: "system", Title: long + "\x00", Body: long})
		if err != nil || len([]rune(n.Title)) != 300 || len([]rune(n.Body)) != 4000 || strings.ContainsRune(n.Title, 0) {
			t.Fatalf("long text: %v (title %d runes)", err, len([]rune(n.Title)))
		}
		if _, err := svc.Notify(ctx, 1<<40, msg("nobody")); err == nil {
			t.Fatal("notified a missing user")
		}
		if _, err := svc.Notify(ctx, alice.ID, notify.Message{Kind: "system", Title: "k", DedupeKey: "once"}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Notify(ctx, alice.ID, notify.Message{Kind: "system", Title: "k", DedupeKey: "once"})
		if !errors.Is(err, notify.ErrDuplicate) || !errors.Is(err, model.ErrConflict) {
			t.Fatalf("repeated key: %v", err)
		}
	})
}

func TestNotifyUsers(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, b := newUser(t, s, "a", ""), newUser(t, s, "b", "")
		svc := newService(s, nil, nil)
		m := notify.Message{Kind: model.NotifySystem, Title: "maintenance tonight", DedupeKey: "maint:1"}
		got, err := svc.NotifyUsers(ctx, []int64{b.ID, a.ID, b.ID}, m)
		if err != nil || len(got) != 2 || got[0].UserID != a.ID || got[1].UserID != b.ID || got[0].ID == 0 {
			t.Fatalf("notify users = %+v, %v", got, err)
		}
		again, err := svc.NotifyUsers(ctx, []int64{a.ID, b.ID}, m)
		if err != nil || len(again) != 0 {
			t.Fatalf("repeat = %+v, %v", again, err)
		}
	})
}

// BulkFinished fits bulk.FinishFunc and renders in the operator's language.
func TestBulkFinished(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		zh, en := newUser(t, s, "wang", ""), newUser(t, s, "smith", "en")
		svc := newService(s, nil, nil)
		var finish bulk.FinishFunc = svc.BulkFinished

		counts := model.Counts{Total: 10, Sent: 7, Failed: 2, Skipped: 1}
		done := &model.BulkSend{ID: 41, UserID: &zh.ID, Title: "春季回访", Status: model.BulkDone, Counts: counts}
		finish(ctx, done)
		finish(ctx, done) // once only
		ns, _ := svc.List(ctx, zh.ID, storage.NotificationFilter{})
		if len(ns) != 1 {
			t.Fatalf("%d notifications, want 1", len(ns))
		}
		n := ns[0]
		if n.Kind != model.NotifyBulkFinished || n.Title != "批量联系已完成：春季回访" ||
			n.Body != "共 10 条：成功 7，失败 2，跳过 1" || n.Link != "/bulk/41" {
			t.Fatalf("zh notification = %+v", n)
		}
		var data map[string]any
		if err := json.Unmarshal(n.Data, &data); err != nil || data["sent"] != 7.0 || data["bulk_send_id"] != 41.0 ||
			data["status"] != model.BulkDone {
			t.Fatalf("data = %s, %v", n.Data, err)
		}

		cancelled := &model.BulkSend{ID: 42, UserID: &en.ID, Title: "Renewals", Status: model.BulkCancelled,
			Counts: model.Counts{Total: 5, Sent: 1, Skipped: 3, Pending: 1}}
		finish(ctx, cancelled)
		ns, _ = svc.List(ctx, en.ID, storage.NotificationFilter{})
		if len(ns) != 1 || ns[0].Kind != model.NotifyBulkCancelled || ns[0].Title != "Bulk send cancelled: Renewals" ||
			ns[0].Body != "5 recipients: 1 sent, 0 failed, 3 skipped, 1 unfinished" || ns[0].Link != "/bulk/42" {
			t.Fatalf("en notification = %+v", ns)
		}

		finish(ctx, &model.BulkSend{ID: 43, Title: "operator deleted", Status: model.BulkDone})
		finish(ctx, nil)
	})
}
