package bulk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
)

// approvalNotes records what approvers and operators are told.
type approvalNotes struct {
	mu        sync.Mutex
	requested map[int64][]int64
	decided   []*model.BulkSend
}

func (n *approvalNotes) ApprovalRequested(_ context.Context, b *model.BulkSend, approvers []int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.requested[b.ID] = approvers
}

func (n *approvalNotes) ApprovalDecided(_ context.Context, b *model.BulkSend) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.decided = append(n.decided, b)
}

func (n *approvalNotes) lastDecided() *model.BulkSend {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.decided) == 0 {
		return nil
	}
	return n.decided[len(n.decided)-1]
}

// TestApprovalOfLargeSends: above the approval limit a rep's send waits,
// sends nothing, and its approvers (the admin and the rep's manager) are
// asked. Neither the rep nor a colleague may decide; a rejection needs a
// comment. The manager approves one send (it goes out, each recipient
// once) and rejects another (nothing sent, recipients skipped with that
// reason); a send approved before its time waits for it; one nobody
// approves expires. The operator hears of each outcome.
func TestApprovalOfLargeSends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 50})
		notes := &approvalNotes{requested: map[int64][]int64{}}
		e.svc.OnApproval(notes)
		e.contacts(t, 30)
		st := model.DefaultSettings()
		st.ApproveAbove = 20
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		boss := &model.User{Username: "admin", Role: model.RoleAdmin, Active: true}
		manager := &model.User{Username: "lead", DisplayName: "李主管", Role: model.RoleAgent, Active: true}
		colleague := &model.User{Username: "peer", Role: model.RoleAgent, Active: true}
		for _, u := range []*model.User{boss, manager, colleague} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		team := &model.Team{Name: "华东客服", ManagerID: &manager.ID}
		if err := s.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*model.User{e.operator, colleague} {
			u.TeamID = &team.ID
			if err := s.UpdateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		managerPol := permission.For(manager, st)
		in := bulk.Input{Title: "系统升级通知", SMSText: "{{contact.name}}您好，系统将于周六升级", Recipients: storage.RecipientSelection{HasMobile: true}}
		outbox := func() int { return e.count(t, `SELECT count(*) FROM outbox_messages`) }

		b, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != model.BulkAwaitingApproval || b.Approval == nil || b.Approval.Need != model.ApprovalNeedMessages {
			t.Fatalf("created: status %s, approval %+v", b.Status, b.Approval)
		}
		if got := notes.requested[b.ID]; !slices.Equal(got, []int64{boss.ID, manager.ID}) {
			t.Fatalf("approvers asked: %v, want admin %d and manager %d", got, boss.ID, manager.ID)
		}
		time.Sleep(300 * time.Millisecond)
		if n := outbox(); n != 0 {
			t.Fatalf("%d messages sent before approval", n)
		}
		if _, err := e.svc.Approve(ctx, e.pol, e.operator, b.ID, ""); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("the operator approving their own send: %v", err)
		}
		if _, err := e.svc.Approve(ctx, permission.For(colleague, st), colleague, b.ID, ""); err == nil {
			t.Fatal("a colleague approved the send")
		}
		if _, err := e.svc.Reject(ctx, managerPol, manager, b.ID, "  "); !hasField(err, "comment") {
			t.Fatalf("a rejection without comment: %v", err)
		}
		got, err := e.svc.Approve(ctx, managerPol, manager, b.ID, "同意")
		if err != nil {
			t.Fatal(err)
		}
		if got.Approval.State != model.ApprovalApproved || got.Approval.ByName != "李主管" || got.Approval.Comment != "同意" {
			t.Fatalf("approved: %+v", got.Approval)
		}
		done := e.wait(t, b.ID)
		if done.Counts.Sent != 30 || outbox() != 30 {
			t.Fatalf("after approval: %+v, outbox %d", done.Counts, outbox())
		}
		if d := notes.lastDecided(); d == nil || d.ID != b.ID || d.Approval.State != model.ApprovalApproved {
			t.Fatalf("operator told: %+v", d)
		}
		if _, err := e.svc.Approve(ctx, managerPol, manager, b.ID, ""); !hasField(err, "status") {
			t.Fatalf("approving twice: %v", err)
		}

		// Rejected: nothing sent, every recipient skipped with the reason.
		r, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if got, err = e.svc.Reject(ctx, permission.For(boss, st), boss, r.ID, "内容需要法务审核"); err != nil {
			t.Fatal(err)
		}
		if got.Status != model.BulkRejected || got.Counts.Pending != 0 || outbox() != 30 {
			t.Fatalf("rejected: %s %+v, outbox %d", got.Status, got.Counts, outbox())
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND reason = $2`, r.ID, model.SkipRejected); n != 30 {
			t.Fatalf("%d recipients skipped as rejected, want the 30 it would have sent to", n)
		}
		if d := notes.lastDecided(); d.ID != r.ID || d.Approval.State != model.ApprovalRejected || d.Approval.Comment != "内容需要法务审核" {
			t.Fatalf("operator told of the rejection: %+v", d.Approval)
		}

		// Approved ahead of its time: it waits for it.
		at := time.Now().Add(5 * time.Second)
		later := in
		later.ScheduledAt = &at
		l, err := e.svc.Create(ctx, e.pol, e.operator, later)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Approve(ctx, managerPol, manager, l.ID, ""); err != nil {
			t.Fatal(err)
		}
		if cur, _ := e.svc.Get(ctx, e.pol, l.ID); cur.Status != model.BulkScheduled || outbox() != 30 {
			t.Fatalf("approved before its time: %s, outbox %d", cur.Status, outbox())
		}
		ld := e.wait(t, l.ID)
		if ld.StartedAt == nil || ld.StartedAt.Before(at.Add(-time.Second)) || ld.Counts.Sent != 30 {
			t.Fatalf("scheduled send started at %v (due %v): %+v", ld.StartedAt, at, ld.Counts)
		}

		// Nobody decides: it expires once its wait (a day after its time)
		// is over, as the sweep of a process a day later finds.
		x, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ExpireApprovals(ctx); err != nil {
			t.Fatal(err)
		}
		if cur, _ := e.svc.Get(ctx, e.pol, x.ID); cur.Status != model.BulkAwaitingApproval {
			t.Fatalf("expired before its wait was over: %s", cur.Status)
		}
		dayLater := bulk.NewService(s, e.reg, nil, bulk.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)),
			func() time.Time { return time.Now().Add(bulk.DefaultApprovalWait + time.Minute) }, nil)
		dayLater.OnApproval(notes)
		if err := dayLater.ExpireApprovals(ctx); err != nil {
			t.Fatal(err)
		}
		cur, _ := e.svc.Get(ctx, e.pol, x.ID)
		if cur.Status != model.BulkExpired || cur.Counts.Pending != 0 || outbox() != 60 {
			t.Fatalf("after the wait: %s %+v, outbox %d", cur.Status, cur.Counts, outbox())
		}
		if d := notes.lastDecided(); d.ID != x.ID || d.Approval.State != model.ApprovalExpired {
			t.Fatalf("operator told of the expiry: %+v", d.Approval)
		}
	})
}

// hasField reports whether err is a validation error naming field.
func hasField(err error, field string) bool {
	ve, ok := model.AsValidation(err)
	if !ok {
		return false
	}
	for _, f := range ve {
		if f.Field == field {
			return true
		}
	}
	return false
}

// TestTeamBudget: a team with a monthly budget of ¥2 lets a ¥1.35 send go
// (30 SMS at ¥0.045), counts it as spent, and makes the next one, which
// would take the month to ¥2.70, wait for approval (need budget). A send
// still waiting is not counted as spent.
func TestTeamBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 50})
		e.contacts(t, 30)
		fake := fakewebhook.New(t, "k")
		if err := e.reg.Save(ctx, e.operator.ID, "sms", "webhook", fake.Config(), 0); err != nil {
			t.Fatal(err)
		}
		st := model.DefaultSettings()
		st.Prices = map[string]model.Money{model.PriceKey(model.ChannelSMS, "webhook"): 45_000}
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		team := &model.Team{Name: "华南客服", MonthlyBudget: 2 * model.Yuan}
		if err := s.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		e.operator.TeamID = &team.ID
		if err := s.UpdateUser(ctx, e.operator); err != nil {
			t.Fatal(err)
		}
		in := bulk.Input{Title: "到货通知", SMSText: "您订购的商品已到货", Recipients: storage.RecipientSelection{HasMobile: true}}
		sms := []string{model.ChannelSMS}
		dr, err := e.svc.DryRun(ctx, e.pol, e.operator, in, sms, 1)
		if err != nil {
			t.Fatal(err)
		}
		if dr.Approval != "" || dr.Budget == nil || dr.Budget.Spent != 0 || dr.Budget.Budget != 2*model.Yuan || dr.Cost.String() != "1.35" {
			t.Fatalf("first dry run: approval %q, budget %+v, cost %s", dr.Approval, dr.Budget, dr.Cost)
		}
		first, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		e.wait(t, first.ID)
		second, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		if second.Status != model.BulkAwaitingApproval || second.Approval.Need != model.ApprovalNeedBudget {
			t.Fatalf("second send: %s %+v", second.Status, second.Approval)
		}
		if dr, err = e.svc.DryRun(ctx, e.pol, e.operator, in, sms, 1); err != nil || dr.Budget.Spent.String() != "1.35" ||
			dr.Approval != bulk.ApprovalBudget {
			t.Fatalf("dry run with one send spent: %+v %q %v", dr.Budget, dr.Approval, err)
		}
	})
}

// TestRepDailyLimit: with a daily limit of 50 messages a rep's send of 30
// goes, a second of 30 is refused naming recipients (nothing stored),
// the dry run says 30 used of 50 and over; a cancelled send counts only
// what it sent; an admin has no limit.
func TestRepDailyLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, bulk.Config{ChunkSize: 50})
		e.contacts(t, 30)
		st := model.DefaultSettings()
		st.RepDailyLimit = 50
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		in := bulk.Input{Title: "到货通知", SMSText: "您订购的商品已到货", Recipients: storage.RecipientSelection{HasMobile: true}}
		first, err := e.svc.Create(ctx, e.pol, e.operator, in)
		if err != nil {
			t.Fatal(err)
		}
		e.wait(t, first.ID)
		before := e.count(t, `SELECT count(*) FROM bulk_sends`)
		if _, err := e.svc.Create(ctx, e.pol, e.operator, in); !hasField(err, "recipients") {
			t.Fatalf("a send over the daily limit: %v", err)
		}
		if n := e.count(t, `SELECT count(*) FROM bulk_sends`); n != before {
			t.Fatalf("the refused send was stored (%d sends, was %d)", n, before)
		}
		dr, err := e.svc.DryRun(ctx, e.pol, e.operator, in, []string{model.ChannelSMS}, 1)
		if err != nil || dr.Daily == nil || dr.Daily.Used != 30 || dr.Daily.Limit != 50 || !dr.Daily.Over(dr.Messages) {
			t.Fatalf("dry run: %+v %v", dr.Daily, err)
		}
		// A scheduled send cancelled before it went counts nothing.
		later := time.Now().Add(time.Hour)
		small := in
		small.ScheduledAt, small.Recipients = &later, storage.RecipientSelection{Query: "恒信", HasMobile: true, ContactIDs: []int64{}}
		st.RepDailyLimit = 100
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		sched, err := e.svc.Create(ctx, e.pol, e.operator, small)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Cancel(ctx, e.pol, sched.ID); err != nil {
			t.Fatal(err)
		}
		<-e.finished
		if dr, _ = e.svc.DryRun(ctx, e.pol, e.operator, in, []string{model.ChannelSMS}, 1); dr.Daily.Used != 30 {
			t.Fatalf("after a cancelled send: %d used, want 30", dr.Daily.Used)
		}
		admin := &model.User{Username: "boss", Role: model.RoleAdmin, Active: true}
		if err := s.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		if dr, _ = e.svc.DryRun(ctx, permission.Policy{UserID: admin.ID, Admin: true}, admin, in, []string{model.ChannelSMS}, 1); dr.Daily != nil {
			t.Fatalf("an admin has a daily limit: %+v", dr.Daily)
		}
	})
}
