package bulk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
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
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/testutil/race"
	"touchbase/internal/wecom"
)

// weComProcess is one serve process's bulk and WeCom services with their
// River workers.
type weComProcess struct {
	bulk     *bulk.Service
	wecom    *wecom.Service
	queue    jobs.Queue
	finished chan *model.BulkSend
	tasks    chan *model.WeComTask
	offset   atomic.Int64 // how far the WeCom service's clock is ahead
}

// now is the WeCom service's clock.
func (p *weComProcess) now() time.Time { return time.Now().Add(time.Duration(p.offset.Load())) }

// advance moves the WeCom service's clock on by d.
func (p *weComProcess) advance(d time.Duration) { p.offset.Add(int64(d)) }

func startWeComProcess(t *testing.T, s *storage.Store) *weComProcess {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &weComProcess{finished: make(chan *model.BulkSend, 10), tasks: make(chan *model.WeComTask, 100)}
	reg := registry.New(s, box, channel.Env{HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	p.bulk = bulk.NewService(s, reg, nil, bulk.Config{WeComPoll: 100 * time.Millisecond, Lease: time.Second}, log, time.Now,
		func(_ context.Context, b *model.BulkSend) { p.finished <- b })
	p.wecom = wecom.NewService(s, box, &http.Client{Timeout: 5 * time.Second}, log, p.now)
	p.wecom.OnTask(func(_ context.Context, _ *model.BulkSend, task *model.WeComTask) { p.tasks <- task })
	p.bulk.SetWeCom(p.wecom)
	workers := river.NewWorkers()
	sweep := p.bulk.Register(workers)
	q, err := jobs.New(s, jobs.Options{Workers: workers, MaxWorkers: 4, PeriodicJobs: []*river.PeriodicJob{sweep},
		FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	p.queue = q
	p.bulk.SetQueue(q)
	p.wecom.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop() })
	return p
}

// stop stops the process's workers (as a restart would).
func (p *weComProcess) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.queue.Stop(ctx) //nolint:errcheck
}

// weComWorld is a company whose WeCom members follow its contacts.
type weComWorld struct {
	store    *storage.Store
	fake     *fakewecom.Server
	operator *model.User
	pol      permission.Policy
	members  []string
	// externalOf maps contact ids to their WeChat identity.
	externalOf map[int64]string
	// expected sender of each WeChat identity.
	senderOf map[string]string
}

// newWeComWorld connects WeCom to the fake and builds n contacts on
// customers the operator serves, each with a WeChat identity followed by
// one of members members (member00 is the operator), some by two; plus a
// contact with no WeChat and one whose WeChat nobody follows.
func newWeComWorld(t *testing.T, s *storage.Store, p *weComProcess, n, members int) *weComWorld {
	t.Helper()
	ctx := context.Background()
	w := &weComWorld{store: s, fake: fakewecom.New(t), externalOf: map[int64]string{}, senderOf: map[string]string{}}
	w.operator = &model.User{Username: "op", DisplayName: "王芳", Role: model.RoleAgent, Active: true}
	if err := s.CreateUser(ctx, w.operator); err != nil {
		t.Fatal(err)
	}
	w.pol = permission.For(w.operator, model.Settings{Visibility: model.VisibilityOwn})
	var cfg wecom.Config
	if err := json.Unmarshal(w.fake.ConfigJSON(), &cfg); err != nil {
		t.Fatal(err)
	}
	if err := p.wecom.Save(ctx, w.operator.ID, cfg); err != nil {
		t.Fatal(err)
	}
	var ms []model.WeComMember
	for i := 0; i < members; i++ {
		id := fmt.Sprintf("member%02d", i)
		w.members = append(w.members, id)
		w.fake.AddMember(fakewecom.Member{UserID: id, Name: "成员" + id, Follow: true})
		ms = append(ms, model.WeComMember{ID: id, Name: "成员" + id})
	}
	if err := s.SaveWeComMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := s.MapWeComMember(ctx, "member00", &w.operator.ID, model.WeComMatchedByHand); err != nil {
		t.Fatal(err)
	}
	mine := &model.Customer{Name: "恒信科技", Code: "HX", RepID: &w.operator.ID}
	if err := s.CreateCustomer(ctx, mine); err != nil {
		t.Fatal(err)
	}
	var contacts []*model.Contact
	err := s.InBatch(ctx, func(b *storage.Batch) error {
		for i := 0; i < n+2; i++ {
			c := &model.Contact{CustomerID: mine.ID, Name: fmt.Sprintf("客户%d", i)}
			if err := b.CreateContact(ctx, c); err != nil {
				return err
			}
			contacts = append(contacts, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	byMember := map[string][]*model.WeComExternal{}
	matches := map[string]int64{}
	for i, c := range contacts[:n+1] {
		ext := &model.WeComExternal{ID: fmt.Sprintf("wmEXT%05d", i), Name: c.Name}
		matches[ext.ID] = c.ID
		if i == n {
			if err := s.SaveWeComExternal(ctx, ext, at); err != nil {
				t.Fatal(err)
			}
			continue // followed by nobody
		}
		w.externalOf[c.ID] = ext.ID
		// Followed by one member; every seventh also by the operator (the
		// customer's exclusive rep), who then sends; every fifth also by
		// the next member, who does not.
		first := w.members[1+i%(members-1)]
		follows := []string{first}
		w.senderOf[ext.ID] = first
		switch {
		case i%7 == 0:
			follows = append(follows, "member00")
			w.senderOf[ext.ID] = "member00"
		case i%5 == 0:
			follows = append(follows, w.members[1+(i+1)%(members-1)])
			w.senderOf[ext.ID] = min(follows[0], follows[1])
		}
		fe := fakewecom.External{ID: ext.ID, Name: c.Name}
		for _, m := range follows {
			ext.Follows = append(ext.Follows, model.WeComFollow{MemberID: m})
			byMember[m] = append(byMember[m], ext)
			fe.Follows = append(fe.Follows, fakewecom.Follow{UserID: m, CreateTime: at.Unix()})
		}
		w.fake.AddExternal(fe)
	}
	for m, exts := range byMember {
		if err := s.SyncWeComFollows(ctx, m, exts, at); err != nil {
			t.Fatal(err)
		}
	}
	for ext, contact := range matches {
		if err := s.MatchWeComExternal(ctx, ext, &contact, model.WeComMatchedByHand); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// input is a WeCom send of text and a link to every contact of the
// operator's customer.
func (w *weComWorld) input(text string) bulk.Input {
	return bulk.Input{Title: "新品通知", WeComText: text, WeComAttachments: []model.WeComAttachment{
		{Kind: model.WeComLink, Title: "新品介绍", URL: "https://example.cn/new"}}, Recipients: storage.RecipientSelection{Query: "恒信"}}
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tasksOf returns the fake's tasks once there are want of them.
func (w *weComWorld) tasksOf(t *testing.T, want int) []fakewecom.GroupMsg {
	t.Helper()
	var msgs []fakewecom.GroupMsg
	waitFor(t, fmt.Sprintf("%d tasks", want), 30*time.Second, func() bool {
		msgs = w.fake.GroupMsgs()
		return len(msgs) >= want
	})
	time.Sleep(200 * time.Millisecond) // no further task may come
	if msgs = w.fake.GroupMsgs(); len(msgs) != want {
		t.Fatalf("%d tasks, want %d", len(msgs), want)
	}
	return msgs
}

// TestWeComBulkSend sends one WeCom mass message to 10,000 contacts
// (2,000 under the race detector) followed by 20 members: one task per member, no contact in two tasks,
// each going to its exclusive rep when the rep follows it; members
// confirm (one after a customer removed them), reminders stop at three a
// day, a cancel withdraws the unconfirmed tasks; the counts add up and
// every sent contact has its record.
func TestWeComBulkSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		p := startWeComProcess(t, s)
		n, members := race.Scale(10000), 20
		w := newWeComWorld(t, s, p, n, members)
		in := w.input("新品上市，欢迎咨询。")

		dr, err := p.bulk.DryRun(ctx, w.pol, w.operator, in, []string{model.ChannelWeCom}, 0)
		if err != nil {
			t.Fatal(err)
		}
		run := dr.Channels[0]
		if run.Send != n || run.Skipped[model.SkipNoWeCom] != 1 || run.Skipped[model.SkipWeComNotFollowed] != 1 || run.Provider != "wecom" {
			t.Fatalf("dry run: send %d, skipped %v, provider %q", run.Send, run.Skipped, run.Provider)
		}
		start := time.Now()
		b := w.create(t, p, in)
		accepted := time.Since(start)
		msgs := w.tasksOf(t, members)
		t.Logf("%d recipients: accepted in %v, handed to %d tasks in %v", n, accepted.Round(time.Millisecond), members,
			(time.Since(start) - 200*time.Millisecond).Round(time.Millisecond))
		seen := map[string]string{}
		bySender := map[string]fakewecom.GroupMsg{}
		for _, m := range msgs {
			bySender[m.Sender] = m
			if m.Text != in.WeComText || len(m.Attachments) != 1 {
				t.Fatalf("task of %s: text %q, %d attachments", m.Sender, m.Text, len(m.Attachments))
			}
			for _, r := range m.Receivers {
				if prev, ok := seen[r]; ok {
					t.Fatalf("%s is in the tasks of %s and %s", r, prev, m.Sender)
				}
				seen[r] = m.Sender
				if w.senderOf[r] != m.Sender {
					t.Fatalf("%s went to %s, want %s", r, m.Sender, w.senderOf[r])
				}
			}
		}
		if len(seen) != n || len(bySender) != members {
			t.Fatalf("%d receivers in %d senders' tasks, want %d in %d", len(seen), len(bySender), n, members)
		}
		select {
		case task := <-p.tasks:
			if task.Sender != "member00" || task.UserID == nil || *task.UserID != w.operator.ID || task.Waiting != len(bySender["member00"].Receivers) {
				t.Fatalf("operator told of %+v", task)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the operator, a member, was not told of their task")
		}
		got := w.send(t, b.ID)
		if got.Counts.Awaiting != n || got.Counts.Skipped != 2 || got.Counts.Total != n+2 {
			t.Fatalf("counts while waiting: %+v", got.Counts)
		}

		for i := 0; i < wecom.RemindsPerDay; i++ {
			if k, err := p.bulk.RemindWeCom(ctx, w.pol, b.ID); err != nil || k != members {
				t.Fatalf("reminder %d: %d members, %v", i+1, k, err)
			}
		}
		if _, err := p.bulk.RemindWeCom(ctx, w.pol, b.ID); !isField(err, "wecom", "remind_limit") {
			t.Fatalf("fourth reminder in a day: %v", err)
		}
		for _, m := range w.fake.GroupMsgs() {
			if len(m.Reminds) != wecom.RemindsPerDay {
				t.Fatalf("task of %s reminded %d times", m.Sender, len(m.Reminds))
			}
		}

		// Eighteen members confirm; a customer of member01 removed them first.
		gone := bySender["member01"].Receivers[0]
		w.fake.RemoveFollow(gone, "member01")
		confirmed := 0
		for _, m := range w.members[:members-2] {
			if !w.fake.Confirm(bySender[m].MsgID) {
				t.Fatalf("task of %s not waiting", m)
			}
			confirmed += len(bySender[m].Receivers)
		}
		confirmedAt := time.Now()
		waitFor(t, "confirmed tasks settled", 30*time.Second, func() bool {
			c := w.send(t, b.ID).Counts
			return c.Sent == confirmed-1 && c.Awaiting == n-confirmed
		})
		t.Logf("%d confirmed recipients settled with their records %v after the confirmations (poll every 100 ms)", confirmed-1,
			time.Since(confirmedAt).Round(time.Millisecond))
		if err := p.bulk.Cancel(ctx, w.pol, b.ID); err != nil {
			t.Fatal(err)
		}
		end := waitFinished(t, p.finished, b.ID)
		c := end.Counts
		if end.Status != model.BulkCancelled || c.Sent != confirmed-1 || c.Sent+c.Skipped != c.Total || c.Pending != 0 || c.Awaiting != 0 {
			t.Fatalf("after cancel: %s %+v", end.Status, c)
		}
		for _, m := range w.fake.GroupMsgs() {
			if want := m.Confirmed == nil; m.Cancelled != want {
				t.Fatalf("task of %s: cancelled %v, confirmed %v", m.Sender, m.Cancelled, m.Confirmed != nil)
			}
		}
		reasons := map[string]int{}
		var recordID *int64
		for _, r := range allRecipients(t, s, b.ID) {
			if r.Status == model.RecipientSent {
				if r.RecordID == nil || r.Provider != "wecom" || r.ProviderMessageID != bySender[w.senderOf[r.Address]].MsgID {
					t.Fatalf("sent recipient %+v: no record or wrong task", r)
				}
				recordID = r.RecordID
			}
			reasons[r.Reason]++
		}
		unconfirmed := len(bySender["member18"].Receivers) + len(bySender["member19"].Receivers)
		if reasons[model.SkipWeComNotFriend] != 1 || reasons[model.SkipCancelled] != unconfirmed {
			t.Fatalf("reasons %v, want 1 not a friend and %d cancelled", reasons, unconfirmed)
		}
		rec, err := s.RecordByID(ctx, permission.Policy{Admin: true}, *recordID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Channel != model.ChannelWeCom || rec.Source != model.SourceBulk || rec.Content != "新品上市，欢迎咨询。\n新品介绍 https://example.cn/new" {
			t.Fatalf("record %+v", rec)
		}
	})
}

// TestWeComBulkSendSurvivesRestart stops the process after the tasks are
// created; another one polls them to the end: nothing is lost and no task
// is created twice.
func TestWeComBulkSendSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		first := startWeComProcess(t, s)
		const n, members = 600, 5
		w := newWeComWorld(t, s, first, n, members)
		b := w.create(t, first, w.input("年终回馈活动开始了"))
		msgs := w.tasksOf(t, members)
		first.stop()
		second := startWeComProcess(t, s)
		for _, m := range msgs {
			w.fake.Confirm(m.MsgID)
		}
		end := waitFinished(t, second.finished, b.ID)
		if end.Status != model.BulkDone || end.Counts.Sent != n || end.Counts.Skipped != 2 {
			t.Fatalf("after restart: %s %+v", end.Status, end.Counts)
		}
		if got := len(w.fake.GroupMsgs()); got != members {
			t.Fatalf("%d tasks after the restart, want %d", got, members)
		}
	})
}

// TestWeComMonthlyLimitAndDeadline: a company that lets customers receive
// one mass message a month sees the second send's contacts skipped (in
// the dry run and when it goes); a task nobody confirms by its deadline
// is withdrawn and its contacts skipped as not confirmed.
func TestWeComMonthlyLimitAndDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		p := startWeComProcess(t, s)
		const n, members = 40, 3
		w := newWeComWorld(t, s, p, n, members)
		var cfg wecom.Config
		if err := json.Unmarshal(w.fake.ConfigJSON(), &cfg); err != nil {
			t.Fatal(err)
		}
		cfg.MonthlyLimit, cfg.ConfirmHours = 1, 2
		if err := p.wecom.Save(ctx, w.operator.ID, cfg); err != nil {
			t.Fatal(err)
		}
		b := w.create(t, p, w.input("第一次"))
		for _, m := range w.tasksOf(t, members) {
			w.fake.Confirm(m.MsgID)
		}
		if end := waitFinished(t, p.finished, b.ID); end.Counts.Sent != n {
			t.Fatalf("first send: %+v", end.Counts)
		}
		in := w.input("第二次")
		dr, err := p.bulk.DryRun(ctx, w.pol, w.operator, in, []string{model.ChannelWeCom}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if run := dr.Channels[0]; run.Send != 0 || run.Skipped[model.SkipWeComMonthlyLimit] != n {
			t.Fatalf("dry run of the second send: send %d, skipped %v", run.Send, run.Skipped)
		}
		b2 := w.create(t, p, in)
		if end := waitFinished(t, p.finished, b2.ID); end.Counts.Sent != 0 || end.Counts.Skipped != n+2 {
			t.Fatalf("second send: %+v", end.Counts)
		}
		if got := len(w.fake.GroupMsgs()); got != members {
			t.Fatalf("%d tasks, want only the first send's %d", got, members)
		}

		// Next month, nobody confirms within two hours.
		p.advance(31 * 24 * time.Hour)
		w.fake.SetClock(p.now)
		b3 := w.create(t, p, w.input("第三次"))
		w.tasksOf(t, 2*members)
		p.advance(3 * time.Hour)
		end := waitFinished(t, p.finished, b3.ID)
		if end.Counts.Sent != 0 || end.Counts.Skipped != n+2 {
			t.Fatalf("unconfirmed send: %+v", end.Counts)
		}
		rs, err := s.ListRecipients(ctx, b3.ID, storage.RecipientFilter{Status: model.RecipientSkipped, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		late := 0
		for _, r := range rs {
			if r.Reason == model.SkipWeComNotConfirmed {
				late++
			}
		}
		if late != n {
			t.Fatalf("%d skipped as not confirmed, want %d", late, n)
		}
		for _, m := range w.fake.GroupMsgs()[members:] {
			if !m.Cancelled {
				t.Fatalf("expired task of %s not withdrawn", m.Sender)
			}
		}
	})
}

// create accepts the bulk send in through process p.
func (w *weComWorld) create(t *testing.T, p *weComProcess, in bulk.Input) *model.BulkSend {
	t.Helper()
	b, err := p.bulk.Create(context.Background(), w.pol, w.operator, in)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send reads a bulk send with its counts.
func (w *weComWorld) send(t *testing.T, id int64) *model.BulkSend {
	t.Helper()
	b, err := w.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func waitFinished(t *testing.T, ch chan *model.BulkSend, id int64) *model.BulkSend {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case b := <-ch:
			if b.ID == id {
				return b
			}
		case <-timeout:
			t.Fatalf("bulk send %d did not finish", id)
		}
	}
}

// allRecipients lists every recipient of a send, page by page.
func allRecipients(t *testing.T, s *storage.Store, id int64) []*model.BulkRecipient {
	t.Helper()
	var out []*model.BulkRecipient
	for {
		f := storage.RecipientFilter{Limit: 1000}
		if len(out) > 0 {
			f.AfterID = out[len(out)-1].ID
		}
		rs, err := s.ListRecipients(context.Background(), id, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return out
		}
		out = append(out, rs...)
	}
}

func isField(err error, field, code string) bool {
	var fe *model.FieldError
	return errors.As(err, &fe) && fe.Field == field && fe.Code == code
}

// TestWeComTaskLeftCreatingIsNeverCreatedAgain: a process stopped while
// WeCom was creating a task (the task stored, WeCom's answer not); the
// next process fails its receivers as outcome unknown instead of handing
// them to a second task, and sends the rest.
func TestWeComTaskLeftCreatingIsNeverCreatedAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		first := startWeComProcess(t, s)
		const n, members = 30, 3
		w := newWeComWorld(t, s, first, n, members)
		first.stop()
		b := w.create(t, first, w.input("限时优惠"))
		rows, err := s.ClaimRecipients(ctx, b.ID, model.ChannelWeCom, 10, "stopped")
		if err != nil || len(rows) != 10 {
			t.Fatalf("claimed %d: %v", len(rows), err)
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		task := &model.WeComTask{BulkSendID: b.ID, Sender: "member01", Deadline: time.Now().Add(time.Hour)}
		if err := s.CreateWeComTask(ctx, task, "stopped", ids); err != nil {
			t.Fatal(err)
		}
		second := startWeComProcess(t, s)
		second.advance(5 * time.Minute)
		for _, m := range w.tasksOf(t, members) {
			w.fake.Confirm(m.MsgID)
		}
		end := waitFinished(t, second.finished, b.ID)
		if end.Counts.Sent != n-10 || end.Counts.Failed != 10 {
			t.Fatalf("counts %+v, want %d sent and 10 failed", end.Counts, n-10)
		}
		handed := map[string]bool{}
		for _, m := range w.fake.GroupMsgs() {
			for _, r := range m.Receivers {
				handed[r] = true
			}
		}
		for _, r := range allRecipients(t, s, b.ID) {
			if r.Status == model.RecipientFailed && (r.Reason != model.FailOutcomeUnknown || handed[r.Address]) {
				t.Fatalf("failed recipient %s: reason %s, handed to a task %v", r.Address, r.Reason, handed[r.Address])
			}
		}
		tasks, err := s.WeComTasks(ctx, b.ID, model.WeComTaskUnknown)
		if err != nil || len(tasks) != 1 || tasks[0].ID != task.ID {
			t.Fatalf("unknown tasks %v, %v", tasks, err)
		}
	})
}

// TestWeComTaskWeComNoLongerKnows: WeCom answers that it knows no such
// task (the demo's simulator restarted, say): its receivers fail (the
// operator may send them again), the other tasks go on.
func TestWeComTaskWeComNoLongerKnows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		p := startWeComProcess(t, s)
		w := newWeComWorld(t, s, p, 12, 2)
		b := w.create(t, p, w.input("春节问候"))
		msgs := w.tasksOf(t, 2)
		w.fake.Fail("get_groupmsg_task", wecom.CodeUnknownTask)
		w.fake.Confirm(msgs[1].MsgID)
		end := waitFinished(t, p.finished, b.ID)
		if end.Counts.Failed != len(msgs[0].Receivers) || end.Counts.Sent != len(msgs[1].Receivers) {
			t.Fatalf("counts %+v, want %d failed and %d sent", end.Counts, len(msgs[0].Receivers), len(msgs[1].Receivers))
		}
		for _, r := range allRecipients(t, s, b.ID) {
			if r.Status == model.RecipientFailed && r.Reason != model.FailWeComTaskGone {
				t.Fatalf("failed recipient %+v", r)
			}
		}
	})
}

// TestWeComClaimedByAStoppedWorker: a worker claimed recipients and
// stopped before handing them to any task; once the lease is over they
// are handed by the next one, none lost and none failed.
func TestWeComClaimedByAStoppedWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		first := startWeComProcess(t, s)
		const n = 20
		w := newWeComWorld(t, s, first, n, 2)
		first.stop()
		b := w.create(t, first, w.input("会员日"))
		if rows, err := s.ClaimRecipients(ctx, b.ID, model.ChannelWeCom, 8, "stopped"); err != nil || len(rows) != 8 {
			t.Fatalf("claimed %d: %v", len(rows), err)
		}
		time.Sleep(1100 * time.Millisecond) // the lease
		second := startWeComProcess(t, s)
		for _, m := range w.tasksOf(t, 2) {
			w.fake.Confirm(m.MsgID)
		}
		end := waitFinished(t, second.finished, b.ID)
		if end.Counts.Sent != n || end.Counts.Failed != 0 {
			t.Fatalf("counts %+v, want all %d sent", end.Counts, n)
		}
	})
}

// TestWeComRightsCheckedWhenTheSendGoes: a WeCom send to a customer the
// operator served as sharer when it was accepted, whose share is removed
// before its time, creates no task when it goes: every recipient is
// skipped "no_permission".
func TestWeComRightsCheckedWhenTheSendGoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		p := startWeComProcess(t, s)
		w := newWeComWorld(t, s, p, 5, 3)
		st, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.Visibility = model.VisibilityOwn
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		owner := &model.User{Username: "owner", DisplayName: "李强", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, owner); err != nil {
			t.Fatal(err)
		}
		var custID int64
		if err := s.DB().QueryRowContext(ctx, `SELECT id FROM customers WHERE code = 'HX'`).Scan(&custID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE customers SET rep_id = $1 WHERE id = $2`, owner.ID, custID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRelation(ctx, &model.Relation{CustomerID: custID, UserID: w.operator.ID, Kind: model.RelationSharer}); err != nil {
			t.Fatal(err)
		}
		in := w.input("新品上市，欢迎咨询。")
		at := time.Now().Add(1500 * time.Millisecond)
		in.ScheduledAt = &at
		b := w.create(t, p, in)
		if b.Counts.Total != 7 {
			t.Fatalf("accepted %d recipients, want 7", b.Counts.Total)
		}
		if err := s.DeleteRelation(ctx, custID, w.operator.ID); err != nil {
			t.Fatal(err)
		}
		done := waitFinished(t, p.finished, b.ID)
		if n := len(w.fake.GroupMsgs()); n != 0 {
			t.Fatalf("%d tasks created for customers the operator may no longer see", n)
		}
		rows, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientSkipped})
		if err != nil {
			t.Fatal(err)
		}
		unseen := 0
		for _, r := range rows {
			if r.Reason == model.SkipNoPermission {
				unseen++
			}
		}
		if unseen != 5 || done.Counts.Sent != 0 {
			t.Fatalf("%d skipped no_permission, %d sent; want 5 (every followed contact) and 0", unseen, done.Counts.Sent)
		}
	})
}
