package bulk_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
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
		e := newEnv(t, s, bulk.Config{ChunkSize: 50, ApprovalWait: 200 * time.Millisecond})
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
		at := time.Now().Add(2 * time.Second)
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

		// Nobody decides: it expires once its wait is over.
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
		time.Sleep(300 * time.Millisecond)
		if err := e.svc.ExpireApprovals(ctx); err != nil {
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
