package wecom_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// TestGroupMsgCalls drives a customer mass message through the client: a
// task per sender, nothing sent until the sender confirms, results with
// the not-a-friend and monthly-limit states, reminders capped at three a
// day, and a cancel that stops what was not confirmed.
func TestGroupMsgCalls(t *testing.T) {
	ctx := context.Background()
	fake := fakewecom.New(t)
	fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Follow: true})
	fake.AddMember(fakewecom.Member{UserID: "lisi", Name: "李四", Follow: true})
	for _, id := range []string{"wmA", "wmB", "wmC"} {
		fake.AddExternal(fakewecom.External{ID: id, Follows: []fakewecom.Follow{{UserID: "zhangsan"}}})
	}
	fake.AddExternal(fakewecom.External{ID: "wmL", Follows: []fakewecom.Follow{{UserID: "lisi"}}})
	cl := newClient(t, fake)

	msg := wecom.GroupMsg{Sender: "zhangsan", Receivers: []string{"wmA", "wmB", "wmC", "wmL"}, Text: "您好，新品上市",
		Attachments: []wecom.Attachment{{LinkTitle: "新品", LinkURL: "https://example.cn/new"}}}
	id, failed, err := cl.AddGroupMsg(ctx, msg)
	if err != nil || id == "" || !slices.Equal(failed, []string{"wmL"}) {
		t.Fatalf("add: %q %v %v", id, failed, err)
	}
	if _, _, err := cl.AddGroupMsg(ctx, wecom.GroupMsg{Sender: "zhangsan", Receivers: []string{"wmA"}}); err == nil {
		t.Fatal("a task with neither text nor attachments was accepted")
	}
	tasks, err := cl.GroupMsgTasks(ctx, id)
	if err != nil || len(tasks) != 1 || tasks[0].Sender != "zhangsan" || tasks[0].Status != wecom.TaskNotSent {
		t.Fatalf("tasks before confirming: %+v %v", tasks, err)
	}
	for range 3 {
		if err := cl.RemindGroupMsg(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.RemindGroupMsg(ctx, id); err == nil {
		t.Fatal("a fourth reminder within a day was accepted")
	}

	fake.RemoveFollow("wmC", "zhangsan")
	fake.SetMonthlyLimit(1)
	// wmB has had its share this month.
	other, _, err := cl.AddGroupMsg(ctx, wecom.GroupMsg{Sender: "zhangsan", Receivers: []string{"wmB"}, Text: "早先的一条"})
	if err != nil || !fake.Confirm(other) {
		t.Fatal(err)
	}
	if !fake.Confirm(id) || fake.Confirm(id) {
		t.Fatal("confirm")
	}
	tasks, _ = cl.GroupMsgTasks(ctx, id)
	if tasks[0].Status != wecom.TaskSent || tasks[0].SentTime == nil {
		t.Fatalf("tasks after confirming: %+v", tasks)
	}
	res, err := cl.GroupMsgResults(ctx, id, "zhangsan")
	got := map[string]int{}
	for _, r := range res {
		got[r.ExternalUserID] = r.Status
	}
	if err != nil || len(res) != 3 || got["wmA"] != wecom.SendSent || got["wmB"] != wecom.SendLimitReached || got["wmC"] != wecom.SendNotFriend {
		t.Fatalf("results: %+v %v", res, err)
	}

	late, _, _ := cl.AddGroupMsg(ctx, wecom.GroupMsg{Sender: "zhangsan", Receivers: []string{"wmA"}, Text: "再一条"})
	if err := cl.CancelGroupMsg(ctx, late); err != nil {
		t.Fatal(err)
	}
	if fake.Confirm(late) {
		t.Fatal("a cancelled task was confirmed")
	}
	var we *wecom.Error
	if _, err := cl.GroupMsgTasks(ctx, "nope"); !errors.As(err, &we) || we.Code == 0 {
		t.Fatalf("an unknown msgid: %v", err)
	}
}

// newClient returns a client of the fake's corp with its own store.
func newClient(t *testing.T, fake *fakewecom.Server) *wecom.Client {
	t.Helper()
	e := newEnv(t, storetest.SQLite(t), fake, false)
	cl, err := e.svc.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cl
}
