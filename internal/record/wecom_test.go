package record_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// weComFixture is the single-contact fixture with WeCom connected to the
// fake: the rep is member "wangfang", who follows the contact's WeChat
// identity wmLI; the opted-out contact's identity wmHAN is followed only
// by "zhangwei"; the stranger has no member. The WeCom service's clock
// can be moved on.
type weComFixture struct {
	*fixture
	fake   *fakewecom.Server
	wecom  *wecom.Service
	queue  jobs.Queue
	offset atomic.Int64
}

func (f *weComFixture) now() time.Time { return time.Now().Add(time.Duration(f.offset.Load())) }

func setupWeCom(t *testing.T, s *storage.Store) *weComFixture {
	t.Helper()
	ctx := context.Background()
	f := &weComFixture{fixture: setup(t, s), fake: fakewecom.New(t)}
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.wecom = wecom.NewService(s, box, &http.Client{Timeout: 5 * time.Second}, log, f.now)
	var cfg wecom.Config
	if err := json.Unmarshal(f.fake.ConfigJSON(), &cfg); err != nil {
		t.Fatal(err)
	}
	if err := f.wecom.Save(ctx, f.rep.ID, cfg); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	for _, m := range []string{"wangfang", "zhangwei"} {
		f.fake.AddMember(fakewecom.Member{UserID: m, Name: m, Follow: true})
	}
	if err := s.SaveWeComMembers(ctx, []model.WeComMember{{ID: "wangfang", Name: "王芳"}, {ID: "zhangwei", Name: "张伟"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.MapWeComMember(ctx, "wangfang", &f.rep.ID, model.WeComMatchedByHand); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		id, member string
		contact    *model.Contact
	}{{"wmLI", "wangfang", f.contact}, {"wmHAN", "zhangwei", f.optedOut}} {
		ext := &model.WeComExternal{ID: e.id, Name: e.contact.Name, Follows: []model.WeComFollow{{MemberID: e.member}}}
		f.fake.AddExternal(fakewecom.External{ID: e.id, Name: e.contact.Name, Follows: []fakewecom.Follow{{UserID: e.member, CreateTime: at.Unix()}}})
		if err := s.SyncWeComFollows(ctx, e.member, []*model.WeComExternal{ext}, at); err != nil {
			t.Fatal(err)
		}
		if err := s.MatchWeComExternal(ctx, e.id, &e.contact.ID, model.WeComMatchedByHand); err != nil {
			t.Fatal(err)
		}
	}
	f.svc.SetWeCom(f.wecom, 50*time.Millisecond)
	workers := river.NewWorkers()
	f.svc.Register(workers)
	q, err := jobs.New(s, jobs.Options{Workers: workers, MaxWorkers: 2, FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	f.queue = q
	f.svc.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx) //nolint:errcheck
	})
	return f
}

// delivery waits until delivery id reaches status.
func (f *weComFixture) delivery(t *testing.T, id int64, status string) *model.Delivery {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := f.store.DeliveryByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == status {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery %d is %s (%s), want %s", id, d.Status, d.Reason, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// weComInput is a WeCom single contact of the rep's contact.
func (f *weComFixture) weComInput(text string) record.SingleInput {
	return record.SingleInput{
		Common: record.Common{ContactID: f.contact.ID, Title: "续费提醒", TopicIDs: []int64{f.topic.ID}, Summary: "企业微信提醒续费"},
		WeCom: &record.WeComContent{Text: text, Attachments: []model.WeComAttachment{
			{Kind: model.WeComLink, Title: "续费说明", URL: "https://example.cn/renew"}}},
	}
}

func (f *weComFixture) openPlan(t *testing.T) *model.Plan {
	t.Helper()
	due := time.Now().Add(time.Hour)
	pls, err := f.plans.Create(context.Background(), f.repPol, f.rep, plan.Input{CustomerIDs: []int64{f.customer.ID},
		ContactID: &f.contact.ID, Title: "每周回访", DueAt: due,
		Recurrence: &plan.Recurrence{Freq: plan.Weekly, Weekdays: []time.Weekday{due.Weekday()}, Count: 3}})
	if err != nil {
		t.Fatal(err)
	}
	return pls[0]
}

// TestWeComSingleContactCompletesThePlanWhenSent: a rep's WeCom message
// to a contact becomes one task of the rep's member with that one
// receiver and its merge fields filled; it waits, writing no record and
// leaving the plan open, until the rep confirms it in the WeCom client;
// then the record is written (source plan, the message and its link)
// and the recurring plan rolls to its next occurrence, once.
func TestWeComSingleContactCompletesThePlanWhenSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setupWeCom(t, s)
		pl := f.openPlan(t)
		in := f.weComInput("{{contact.name}}您好，{{customer.name}}的服务下月到期。")
		in.PlanID = &pl.ID
		res, err := f.svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Status != model.DeliveryConfirming || res[0].Channel != model.ChannelWeCom || res[0].Deadline == nil {
			t.Fatalf("results %+v", res)
		}
		if left := time.Until(*res[0].Deadline); left < 47*time.Hour || left > 49*time.Hour {
			t.Fatalf("deadline in %v, want the default 48 h", left)
		}
		msgs := f.fake.GroupMsgs()
		if len(msgs) != 1 {
			t.Fatalf("%d tasks, want 1", len(msgs))
		}
		m := msgs[0]
		if m.Sender != "wangfang" || len(m.Receivers) != 1 || m.Receivers[0] != "wmLI" || m.Text != "李雷您好，恒信科技的服务下月到期。" ||
			len(m.Attachments) != 1 {
			t.Fatalf("task %+v", m)
		}
		time.Sleep(300 * time.Millisecond) // several polls while it waits
		if d := f.delivery(t, res[0].DeliveryID, model.DeliveryConfirming); d.RecordID != nil {
			t.Fatalf("a waiting message has record %d", *d.RecordID)
		}
		if n := len(f.records(t)); n != 0 {
			t.Fatalf("%d records before the rep confirmed", n)
		}
		if got, _ := f.plans.Get(ctx, f.repPol, pl.ID); got.Status != model.PlanOpen {
			t.Fatalf("plan %s before the message went", got.Status)
		}

		if !f.fake.Confirm(m.MsgID) {
			t.Fatal("the fake did not take the confirmation")
		}
		d := f.delivery(t, res[0].DeliveryID, model.DeliverySent)
		recs := f.records(t)
		if len(recs) != 1 || d.RecordID == nil || recs[0].ID != *d.RecordID {
			t.Fatalf("records %d, delivery's record %v", len(recs), d.RecordID)
		}
		r := recs[0]
		if r.Channel != model.ChannelWeCom || r.Source != model.SourcePlan || r.Status != model.RecordSent || r.Title != "续费提醒" ||
			r.Summary != "企业微信提醒续费" || r.Content != "李雷您好，恒信科技的服务下月到期。\n续费说明 https://example.cn/renew" ||
			r.Address != "wmLI" || r.ProviderMessageID != m.MsgID || len(r.TopicIDs) != 1 || r.PlanID == nil || *r.PlanID != pl.ID {
			t.Fatalf("record %+v", r)
		}
		done, _ := f.plans.Get(ctx, f.repPol, pl.ID)
		if done.Status != model.PlanDone || done.RecordID == nil || *done.RecordID != r.ID {
			t.Fatalf("plan %s with record %v, want done with %d", done.Status, done.RecordID, r.ID)
		}
		open, err := f.store.ListPlans(ctx, f.repPol, storage.PlanFilter{Status: model.PlanOpen})
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 || open[0].Occurrence != pl.Occurrence+1 {
			t.Fatalf("%d open plans after the roll, want the next occurrence", len(open))
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(f.records(t)); n != 1 {
			t.Fatalf("%d records after more polls, want 1", n)
		}
	})
}

// TestWeComSingleContactRefusals: what keeps a WeCom message from going
// is a field error, and nothing is created, neither a delivery nor a
// task.
func TestWeComSingleContactRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setupWeCom(t, s)
		// The stranger may contact every customer, but has no member.
		openPol := permission.For(f.stranger, model.Settings{Visibility: model.VisibilityAll, OpenContactAll: true})
		for _, c := range []struct {
			name        string
			user        *model.User
			pol         permission.Policy
			edit        func(in *record.SingleInput)
			field, code string
		}{
			{"empty", f.rep, f.repPol, func(in *record.SingleInput) { in.WeCom = &record.WeComContent{Text: "  "} }, "wecom.text", "required"},
			{"bad link", f.rep, f.repPol, func(in *record.SingleInput) { in.WeCom.Attachments[0].URL = "ftp://x" }, "wecom.attachments[0].url", "invalid"},
			{"unknown merge field", f.rep, f.repPol, func(in *record.SingleInput) { in.WeCom.Text = "{{contact.nmae}}" }, "wecom.text", "invalid_template"},
			{"no member", f.stranger, openPol, func(*record.SingleInput) {}, "wecom", "no_member"},
			{"not a friend", f.rep, f.repPol, func(in *record.SingleInput) { in.ContactID = f.optedOut.ID }, "wecom", "not_followed"},
		} {
			in := f.weComInput("您好")
			c.edit(&in)
			_, err := f.svc.Send(ctx, c.pol, c.user, in)
			ve, ok := model.AsValidation(err)
			if !ok || ve.For(c.field) == nil || ve.For(c.field).Code != c.code {
				t.Errorf("%s: %v, want %s %s", c.name, err, c.field, c.code)
			}
		}
		noWeChat := &model.Contact{CustomerID: f.customer.ID, Name: "赵六", Mobile: "+8613800000003"}
		if err := s.CreateContact(ctx, noWeChat); err != nil {
			t.Fatal(err)
		}
		in := f.weComInput("您好")
		in.ContactID = noWeChat.ID
		if _, err := f.svc.Send(ctx, f.repPol, f.rep, in); !isField(err, "wecom", "no_wecom") {
			t.Errorf("contact without WeChat: %v", err)
		}
		for _, c := range []*model.Contact{f.contact, f.optedOut, noWeChat} {
			if ds, _ := s.DeliveriesOfContact(ctx, c.ID, 10); len(ds) != 0 {
				t.Errorf("contact %s: %d deliveries after refusals", c.Name, len(ds))
			}
		}
		if n := len(f.fake.GroupMsgs()); n != 0 {
			t.Errorf("%d tasks created by refused sends", n)
		}
	})
}

func isField(err error, field, code string) bool {
	ve, ok := model.AsValidation(err)
	return ok && ve.For(field) != nil && ve.For(field).Code == code
}

// TestWeComSingleContactUnsent: a message the rep does not confirm by the
// deadline is withdrawn at WeCom and ends "not confirmed"; one WeCom
// refuses to create fails at once with WeCom's words; one the rep
// withdraws ends "cancelled" and cannot be withdrawn twice, nor by
// another rep. None writes a record, and the plan stays open. The
// monthly share counts single messages that went.
func TestWeComSingleContactUnsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setupWeCom(t, s)
		pl := f.openPlan(t)
		in := f.weComInput("您好")
		in.PlanID = &pl.ID
		type unsent struct {
			reason string
			plan   *int64
		}
		told := make(chan unsent, 10)
		f.svc.OnWeComUnsent(func(_ context.Context, d *model.Delivery, planID *int64) { told <- unsent{d.Reason, planID} })

		res, err := f.svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		f.offset.Store(int64(49 * time.Hour))
		d := f.delivery(t, res[0].DeliveryID, model.DeliveryFailed)
		if d.Reason != model.SkipWeComNotConfirmed || !f.fake.GroupMsgs()[0].Cancelled {
			t.Fatalf("expired: reason %q, task cancelled %v", d.Reason, f.fake.GroupMsgs()[0].Cancelled)
		}
		if u := <-told; u.reason != model.SkipWeComNotConfirmed || u.plan == nil || *u.plan != pl.ID {
			t.Fatalf("the rep was told %+v, want not confirmed for plan %d", u, pl.ID)
		}
		f.offset.Store(0)

		f.fake.Fail("add_msg_template", 41048)
		res, err = f.svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Status != model.DeliveryFailed || res[0].Reason != model.FailWeComRefused || !strings.Contains(res[0].Detail, "41048") {
			t.Fatalf("refused task: %+v", res[0])
		}

		res, err = f.svc.Send(ctx, f.repPol, f.rep, in)
		if err != nil {
			t.Fatal(err)
		}
		id := res[0].DeliveryID
		if _, err := f.svc.WithdrawWeCom(ctx, f.strangePol, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another rep withdraws: %v", err)
		}
		wd, err := f.svc.WithdrawWeCom(ctx, f.repPol, id)
		if err != nil {
			t.Fatal(err)
		}
		if wd.Status != model.DeliveryFailed || wd.Reason != channel.ReasonCanceled || !f.fake.GroupMsgs()[1].Cancelled {
			t.Fatalf("withdrawn: %s %s", wd.Status, wd.Reason)
		}
		if _, err := f.svc.WithdrawWeCom(ctx, f.repPol, id); !isField(err, "delivery", "not_waiting") {
			t.Fatalf("withdrawn twice: %v", err)
		}
		if len(told) != 0 {
			t.Fatalf("the rep was told of a message they withdrew: %+v", <-told)
		}
		if n := len(f.records(t)); n != 0 {
			t.Fatalf("%d records of unsent messages", n)
		}
		if got, _ := f.plans.Get(ctx, f.repPol, pl.ID); got.Status != model.PlanOpen {
			t.Fatalf("plan %s after unsent messages", got.Status)
		}

		// One message goes; with a monthly share of one, the next is refused.
		res, err = f.svc.Send(ctx, f.repPol, f.rep, f.weComInput("您好"))
		if err != nil {
			t.Fatal(err)
		}
		f.fake.Confirm(f.fake.GroupMsgs()[2].MsgID)
		f.delivery(t, res[0].DeliveryID, model.DeliverySent)
		var cfg wecom.Config
		if err := json.Unmarshal(f.fake.ConfigJSON(), &cfg); err != nil {
			t.Fatal(err)
		}
		cfg.MonthlyLimit = 1
		if err := f.wecom.Save(ctx, f.rep.ID, cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Send(ctx, f.repPol, f.rep, f.weComInput("您好")); !isField(err, "wecom", "monthly_limit") {
			t.Fatalf("over the monthly share: %v", err)
		}
	})
}

// TestWeComSingleContactStoppedMidCall: a delivery left "sending" by a
// process that stopped while WeCom was creating its task is settled by
// its poller as outcome unknown once it is older than two minutes, and
// its task is never created a second time.
func TestWeComSingleContactStoppedMidCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setupWeCom(t, s)
		d := &model.Delivery{Kind: model.ChannelWeCom, Provider: wecom.Provider, Address: "wmLI", CustomerID: &f.customer.ID,
			ContactID: &f.contact.ID, UserID: &f.rep.ID, Body: "您好", Sender: "wangfang", Pending: `{"title":"续费提醒"}`}
		if err := s.CreateDelivery(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.queue.Insert(ctx, record.WeComPollArgs{DeliveryID: d.ID}, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if got, _ := s.DeliveryByID(ctx, d.ID); got.Status != model.DeliverySending {
			t.Fatalf("a fresh delivery is %s, want still sending", got.Status)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE deliveries SET created_at = $1 WHERE id = $2`,
			time.Now().Add(-3*time.Minute).UTC(), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.queue.Insert(ctx, record.WeComPollArgs{DeliveryID: d.ID}, nil); err != nil {
			t.Fatal(err)
		}
		got := f.delivery(t, d.ID, model.DeliveryFailed)
		if got.Reason != model.FailOutcomeUnknown || f.fake.Calls("add_msg_template") != 0 {
			t.Fatalf("reason %q, %d tasks created", got.Reason, f.fake.Calls("add_msg_template"))
		}
	})
}
