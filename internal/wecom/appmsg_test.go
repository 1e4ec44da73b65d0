package wecom_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestApplicationMessages: a rep who asked for it gets their
// notifications in WeCom as text cards linking to Touchbase; a burst
// comes as one digest after a pause, so WeCom drops none; a rep who did
// not ask gets nothing, and one with no member cannot ask.
func TestApplicationMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Follow: true})
		e := newEnv(t, s, fake, true)
		e.svc.SetBaseURL("https://tb.example.cn/")
		rep := &model.User{Username: "zhangsan", DisplayName: "张三", Role: model.RoleAgent, Active: true, Language: "zh-CN"}
		other := &model.User{Username: "lisi", DisplayName: "李四", Role: model.RoleAgent, Active: true}
		for _, u := range []*model.User{rep, other} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveWeComMembers(ctx, []model.WeComMember{{ID: "zhangsan", Name: "张三"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.MapWeComMember(ctx, "zhangsan", &rep.ID, model.WeComMatchedByHand); err != nil {
			t.Fatal(err)
		}
		notify := func(title string) {
			n := &model.Notification{UserID: rep.ID, Kind: model.NotifyPlanReminder, Title: title, Body: "联系王经理：续约", Link: "/plans/7",
				Data: []byte(`{}`)}
			if _, err := s.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
			e.svc.Notified(ctx, n)
		}

		if a, err := e.svc.AppNotifyOf(ctx, rep.ID); err != nil || !a.Available || a.Enabled || a.Member != "zhangsan" {
			t.Fatalf("before asking: %+v %v", a, err)
		}
		notify("不该发送")
		if _, err := e.svc.SetAppNotify(ctx, other.ID, true); !isFieldErr(err, "enabled", "unavailable") {
			t.Fatalf("a rep without a member asks: %v", err)
		}
		if _, err := e.svc.SetAppNotify(ctx, rep.ID, true); err != nil {
			t.Fatal(err)
		}
		notify("提醒：联系王经理")
		waitUntil(t, "the first card", func() bool { return len(fake.AppMessages()) >= 1 })
		first := fake.AppMessages()[0]
		if first.ToUser != "zhangsan" || first.Title != "提醒：联系王经理" || first.URL != "https://tb.example.cn/plans/7" || first.Dropped != "" {
			t.Fatalf("first card %+v", first)
		}
		for i := 0; i < 7; i++ {
			notify("批量联系已完成 " + string(rune('A'+i)))
		}
		deadline := time.Now().Add(25 * time.Second)
		for len(fake.AppMessages()) < 2 {
			if time.Now().After(deadline) {
				t.Fatal("no digest")
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // nothing more may come
		msgs := fake.AppMessages()
		digest := msgs[1]
		if len(msgs) != 2 || digest.Title != "Touchbase 有 7 条新通知" || !strings.Contains(digest.Description, "批量联系已完成 A") ||
			!strings.Contains(digest.Description, "另有 2 条") || digest.URL != "https://tb.example.cn/notifications" || digest.Dropped != "" {
			t.Fatalf("after a burst: %+v", msgs)
		}
		if gap := digest.At.Sub(first.At); gap < 9*time.Second {
			t.Fatalf("the digest came %v after the first card", gap)
		}
	})
}

func isFieldErr(err error, field, code string) bool {
	fe, ok := err.(*model.FieldError)
	return ok && fe.Field == field && fe.Code == code
}
