package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func newUser(t *testing.T, s *storage.Store, name string) *model.User {
	t.Helper()
	u := &model.User{Username: name, Role: model.RoleAgent, Active: true}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func notificationIDs(ns []*model.Notification) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func TestNotificationsListReadAndPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
		var mine []int64
		for i := range 7 {
			n := &model.Notification{UserID: alice.ID, Kind: model.NotifySystem, Title: fmt.Sprint("t", i),
				Link: "/bulk/1", Data: []byte(`{"i":` + fmt.Sprint(i) + `}`)}
			if ok, err := s.CreateNotification(ctx, n); err != nil || !ok || n.ID == 0 || n.CreatedAt.IsZero() {
				t.Fatalf("create = %v, %v (%+v)", ok, err, n)
			}
			mine = append(mine, n.ID)
		}
		other := &model.Notification{UserID: bob.ID, Kind: model.NotifySystem, Title: "bob's"}
		if _, err := s.CreateNotification(ctx, other); err != nil {
			t.Fatal(err)
		}

		// Keyset pages, newest first, only alice's.
		var got []int64
		f := storage.NotificationFilter{Limit: 3}
		for {
			page, err := s.ListNotifications(ctx, alice.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, notificationIDs(page)...)
			if len(page) < f.Limit {
				break
			}
			f.BeforeID = page[len(page)-1].ID
		}
		want := slices.Clone(mine)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Fatalf("pages = %v, want %v", got, want)
		}
		first, _ := s.NotificationByID(ctx, alice.ID, mine[0])
		if string(first.Data) != `{"i":0}` || first.Link != "/bulk/1" || first.ReadAt != nil {
			t.Fatalf("stored notification = %+v", first)
		}

		// Marking read: only the owner's; a second time is no change.
		if _, err := s.MarkNotificationRead(ctx, bob.ID, mine[0]); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("bob marks alice's read: %v, want ErrNotFound", err)
		}
		if _, err := s.MarkNotificationRead(ctx, alice.ID, 1<<40); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("missing notification: %v, want ErrNotFound", err)
		}
		if changed, err := s.MarkNotificationRead(ctx, alice.ID, mine[0]); err != nil || !changed {
			t.Fatalf("mark read = %v, %v", changed, err)
		}
		if changed, err := s.MarkNotificationRead(ctx, alice.ID, mine[0]); err != nil || changed {
			t.Fatalf("mark read again = %v, %v", changed, err)
		}
		if n, _ := s.UnreadNotificationCount(ctx, alice.ID); n != 6 {
			t.Fatalf("unread = %d, want 6", n)
		}
		unread, err := s.ListNotifications(ctx, alice.ID, storage.NotificationFilter{UnreadOnly: true})
		if err != nil || slices.Contains(notificationIDs(unread), mine[0]) || len(unread) != 6 {
			t.Fatalf("unread list = %v, %v", notificationIDs(unread), err)
		}
		if read, _ := s.NotificationByID(ctx, alice.ID, mine[0]); read.ReadAt == nil {
			t.Fatal("read_at not set")
		}
		if n, err := s.MarkAllNotificationsRead(ctx, alice.ID); err != nil || n != 6 {
			t.Fatalf("mark all read = %d, %v", n, err)
		}
		if n, _ := s.UnreadNotificationCount(ctx, alice.ID); n != 0 {
			t.Fatalf("unread after mark all = %d", n)
		}
		if n, _ := s.UnreadNotificationCount(ctx, bob.ID); n != 1 {
			t.Fatalf("bob's unread = %d, want 1 (untouched)", n)
		}
	})
}

func TestCreateNotificationsManyAndDedupe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var users []*model.User
		for i := range 3 {
			users = append(users, newUser(t, s, fmt.Sprint("u", i)))
		}
		keyed := &model.Notification{UserID: users[0].ID, Kind: model.NotifyBulkFinished, Title: "done", DedupeKey: "bulk:1"}
		if ok, err := s.CreateNotification(ctx, keyed); err != nil || !ok {
			t.Fatal(ok, err)
		}
		again := &model.Notification{UserID: users[0].ID, Kind: model.NotifyBulkFinished, Title: "done", DedupeKey: "bulk:1"}
		if ok, err := s.CreateNotification(ctx, again); err != nil || ok || again.ID != 0 {
			t.Fatalf("duplicate key: created = %v, %v, id %d", ok, err, again.ID)
		}

		// 1,203 rows: three statements; a duplicate key and a repeated
		// user in the batch.
		var ns []*model.Notification
		for i := range 1200 {
			ns = append(ns, &model.Notification{UserID: users[i%3].ID, Kind: model.NotifySystem, Title: fmt.Sprint("m", i)})
		}
		ns = append(ns,
			&model.Notification{UserID: users[0].ID, Kind: model.NotifySystem, Title: "dup", DedupeKey: "bulk:1"},
			&model.Notification{UserID: users[1].ID, Kind: model.NotifySystem, Title: "k", DedupeKey: "bulk:1"},
			&model.Notification{UserID: users[2].ID, Kind: model.NotifySystem, Title: "last"})
		if err := s.CreateNotifications(ctx, ns); err != nil {
			t.Fatal(err)
		}
		if ns[1200].ID != 0 {
			t.Fatalf("duplicate key inserted as %d", ns[1200].ID)
		}
		for i, n := range ns {
			if i == 1200 {
				continue
			}
			got, err := s.NotificationByID(ctx, n.UserID, n.ID)
			if err != nil || got.Title != n.Title {
				t.Fatalf("row %d: id %d holds %+v, %v", i, n.ID, got, err)
			}
		}
		if n, _ := s.UnreadNotificationCount(ctx, users[1].ID); n != 401 {
			t.Fatalf("unread of u1 = %d, want 401", n)
		}
		bad := []*model.Notification{{UserID: 1 << 40, Kind: model.NotifySystem, Title: "x"}}
		var fe *model.FieldError
		if err := s.CreateNotifications(ctx, bad); !errors.As(err, &fe) {
			t.Fatalf("unknown user: %v, want a field error", err)
		}
	})
}

func TestNotificationsAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, b, c := newUser(t, s, "a"), newUser(t, s, "b"), newUser(t, s, "c")
		if id, _ := s.MaxNotificationID(ctx); id != 0 {
			t.Fatalf("max of none = %d", id)
		}
		var ids []int64
		for _, u := range []*model.User{a, b, c, a} {
			n := &model.Notification{UserID: u.ID, Kind: model.NotifySystem, Title: "x"}
			if _, err := s.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		got, err := s.NotificationsAfter(ctx, ids[0], []int64{a.ID, c.ID}, 0)
		if err != nil || !slices.Equal(notificationIDs(got), []int64{ids[2], ids[3]}) {
			t.Fatalf("after = %v, %v", notificationIDs(got), err)
		}
		if max, _ := s.MaxNotificationID(ctx); max != ids[3] {
			t.Fatalf("max = %d, want %d", max, ids[3])
		}
	})
}

func TestParseNotificationSignal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want storage.NotificationSignal
		ok   bool
	}{
		{"n:12:345", storage.NotificationSignal{UserID: 12, NotificationID: 345}, true},
		{"r:7", storage.NotificationSignal{UserID: 7}, true},
		{"n:12", storage.NotificationSignal{}, false},
		{"x:1", storage.NotificationSignal{}, false},
		{"r:abc", storage.NotificationSignal{}, false},
		{"", storage.NotificationSignal{}, false},
	} {
		got, err := storage.ParseNotificationSignal(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parse %q = %+v, %v", tc.in, got, err)
		}
	}
}

func TestBotWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
		if _, err := s.BotWebhook(ctx, alice.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("none yet: %v", err)
		}
		mine := &model.BotWebhook{UserID: &alice.ID, Provider: model.BotDingTalk, URL: "https://a", Secret: "s1", Enabled: true}
		if err := s.SaveBotWebhook(ctx, mine); err != nil || mine.ID == 0 {
			t.Fatal(mine.ID, err)
		}
		mine.Provider, mine.URL = model.BotFeishu, "https://b"
		if err := s.SaveBotWebhook(ctx, mine); err != nil {
			t.Fatal(err)
		}
		global := &model.BotWebhook{Provider: model.BotWeCom, URL: "https://g", Enabled: true}
		if err := s.SaveBotWebhook(ctx, global); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveBotWebhook(ctx, &model.BotWebhook{Provider: model.BotWeCom, URL: "https://g2", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		got, err := s.BotWebhook(ctx, alice.ID)
		if err != nil || got.Provider != model.BotFeishu || got.URL != "https://b" || got.Secret != "s1" || *got.UserID != alice.ID {
			t.Fatalf("alice's bot = %+v, %v", got, err)
		}
		g, err := s.BotWebhook(ctx, 0)
		if err != nil || g.URL != "https://g2" || g.UserID != nil {
			t.Fatalf("admin-wide bot = %+v, %v", g, err)
		}
		list, err := s.EnabledBotWebhooks(ctx, alice.ID)
		if err != nil || len(list) != 2 || list[0].URL != "https://b" || list[1].URL != "https://g2" {
			t.Fatalf("alice's targets = %v, %v", list, err)
		}
		list, _ = s.EnabledBotWebhooks(ctx, bob.ID)
		if len(list) != 1 || list[0].UserID != nil {
			t.Fatalf("bob's targets = %v", list)
		}
		mine.Enabled = false
		if err := s.SaveBotWebhook(ctx, mine); err != nil {
			t.Fatal(err)
		}
		if list, _ = s.EnabledBotWebhooks(ctx, alice.ID); len(list) != 1 {
			t.Fatalf("disabled bot still a target: %v", list)
		}
		if err := s.DeleteBotWebhook(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBotWebhook(ctx, 0); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if list, _ = s.EnabledBotWebhooks(ctx, bob.ID); len(list) != 0 {
			t.Fatalf("deleted admin-wide bot still a target: %v", list)
		}
	})
}
