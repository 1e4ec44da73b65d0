package plan_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/plan"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestUpdateMovesTheReminderAndNamesBadFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		day := 60 * 24
		due := time.Now().Add(24*time.Hour + 1500*time.Millisecond)
		ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "回访",
			DueAt: due, RemindMinutes: &day, RemindEmail: true})
		if err != nil {
			t.Fatal(err)
		}
		id := ps[0].ID
		before, _ := w.plans.Get(ctx, w.repPol, id)
		// Bad input names the field and changes nothing.
		for field, e := range map[string]plan.Edit{
			"title":          {DueAt: due},
			"due_at":         {Title: "x", DueAt: time.Now().Add(-time.Hour)},
			"remind_minutes": {Title: "x", DueAt: due, RemindMinutes: new(-5)},
			"contact_id":     {Title: "x", DueAt: due, ContactID: new(int64(999999))},
			"topic_ids":      {Title: "x", DueAt: due, TopicIDs: []int64{999999}},
		} {
			if _, err := w.plans.Update(ctx, w.repPol, id, e); !hasField(err, field) {
				t.Fatalf("%s: %v", field, err)
			}
		}
		if after, _ := w.plans.Get(ctx, w.repPol, id); after.Title != before.Title || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("a refused edit changed the plan: %+v", after)
		}
		// An outsider gets not found.
		if _, err := w.plans.Update(ctx, w.oPol, id, plan.Edit{Title: "x", DueAt: due}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("outsider edit: %v", err)
		}
		// The edit is what the reminder (a day ahead: 1.5 s from now) tells.
		got, err := w.plans.Update(ctx, w.repPol, id, plan.Edit{ContactID: &w.contact.ID, Title: "季度回访", Notes: "带上报价",
			DueAt: due, RemindMinutes: &day, RemindEmail: true})
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "季度回访" || got.ContactID == nil || *got.ContactID != w.contact.ID || got.Notes != "带上报价" {
			t.Fatalf("updated plan: %+v", got)
		}
		waitFor(t, "the reminder", func() bool { return len(w.reminders(t, w.rep.ID)) > 0 })
		if ns := w.reminders(t, w.rep.ID); len(ns) != 1 || !strings.Contains(ns[0].Title, "季度回访") {
			t.Fatalf("reminders: %+v", ns)
		}
		// The plan asked for e-mail too: the rep's copy went through the
		// e-mail channel (the outbox until one is configured), with a full link.
		waitFor(t, "the reminder e-mail", func() bool {
			m, _ := s.ListOutbox(ctx, storage.OutboxFilter{To: "rep@example.com"})
			return len(m) > 0
		})
		m, _ := s.ListOutbox(ctx, storage.OutboxFilter{To: "rep@example.com"})
		if len(m) != 1 || !strings.Contains(m[0].Subject, "季度回访") || !strings.Contains(m[0].Body, "https://crm.example.com/plans/"+itoa(id)+"?contact=now") {
			t.Fatalf("reminder e-mail: %+v", m)
		}
		// A plan that is no longer open cannot be edited.
		if err := w.plans.Cancel(ctx, w.repPol, id, "不需要了"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.plans.Update(ctx, w.repPol, id, plan.Edit{Title: "x", DueAt: due}); !hasField(err, "status") {
			t.Fatalf("editing a cancelled plan: %v", err)
		}
	})
}

func TestChangedLeadTimeLeavesNoStaleReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		zero, hour := 0, 60
		due := time.Now().Add(time.Hour + 1200*time.Millisecond)
		ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "x", DueAt: due, RemindMinutes: &hour})
		if err != nil {
			t.Fatal(err)
		}
		// Same due time, but the reminder is now wanted at the due time, an
		// hour later: the job of the hour-ahead reminder (due in 1.2 s) must
		// do nothing when it runs.
		if _, err := w.plans.Update(ctx, w.repPol, ps[0].ID, plan.Edit{Title: "x", DueAt: due, RemindMinutes: &zero}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the stale job to run", func() bool { return completedReminders(t, s) == 1 })
		if ns := w.reminders(t, w.rep.ID); len(ns) != 0 {
			t.Fatalf("a reminder fired at the old lead time: %+v", ns[0])
		}
	})
}

func TestReassignAndPlansOutOfReach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		due := time.Now().Add(72 * time.Hour)
		ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "续约", DueAt: due})
		if err != nil {
			t.Fatal(err)
		}
		id := ps[0].ID
		if need, err := w.plans.NeedReassignment(ctx, w.mgrPol); err != nil || len(need) != 0 {
			t.Fatalf("nothing to reassign yet: %v %v", need, err)
		}
		// The rep cannot hand the plan to a colleague; the manager can, but
		// only to someone who may contact the customer.
		if _, err := w.plans.Reassign(ctx, w.repPol, id, w.rep2.ID); !hasField(err, "owner_id") {
			t.Fatalf("rep reassigning: %v", err)
		}
		if _, err := w.plans.Reassign(ctx, w.mgrPol, id, w.rep2.ID); !hasField(err, "owner_id") {
			t.Fatalf("reassigning to a rep without rights: %v", err)
		}
		if _, err := w.plans.Reassign(ctx, w.mgrPol, id, w.other.ID); !hasField(err, "owner_id") {
			t.Fatalf("reassigning outside the team: %v", err)
		}
		if got, _ := w.plans.Get(ctx, w.mgrPol, id); got.OwnerID != w.rep.ID {
			t.Fatalf("refused reassignments changed the owner: %d", got.OwnerID)
		}
		// The customer moves to rep2: the rep's plan is listed for reassignment.
		w.customer.RepID = &w.rep2.ID
		if err := s.UpdateCustomer(ctx, w.customer); err != nil {
			t.Fatal(err)
		}
		need, err := w.plans.NeedReassignment(ctx, w.mgrPol)
		if err != nil || len(need) != 1 || need[0].ID != id {
			t.Fatalf("plans out of reach: %+v %v", need, err)
		}
		if need, _ := w.plans.NeedReassignment(ctx, w.oPol); len(need) != 0 {
			t.Fatalf("an outsider sees plans to reassign: %+v", need)
		}
		got, err := w.plans.Reassign(ctx, w.mgrPol, id, w.rep2.ID)
		if err != nil || got.OwnerID != w.rep2.ID {
			t.Fatalf("reassign: %+v %v", got, err)
		}
		if need, _ := w.plans.NeedReassignment(ctx, w.mgrPol); len(need) != 0 {
			t.Fatalf("still listed after reassignment: %+v", need)
		}
		// A deactivated owner's open plans are listed too.
		w.rep2.Active = false
		if err := s.UpdateUser(ctx, w.rep2); err != nil {
			t.Fatal(err)
		}
		if need, _ := w.plans.NeedReassignment(ctx, w.mgrPol); len(need) != 1 {
			t.Fatalf("deactivated owner's plans: %+v", need)
		}
		// Counting and filtering for the views.
		n, err := s.CountPlans(ctx, w.mgrPol, storage.PlanFilter{Status: model.PlanOpen, DueTo: due.Add(time.Minute)})
		if err != nil || n != 1 {
			t.Fatalf("count: %d %v", n, err)
		}
		if team, _ := s.ListPlans(ctx, w.mgrPol, storage.PlanFilter{TeamID: *w.rep.TeamID}); len(team) != 1 {
			t.Fatalf("team filter: %d", len(team))
		}
	})
}

func hasField(err error, field string) bool {
	ve, ok := model.AsValidation(err)
	return ok && ve.For(field) != nil
}

// failingQueue refuses every job.
type failingQueue struct{ jobs.Queue }

func (failingQueue) InsertTx(context.Context, *sql.Tx, river.JobArgs, *river.InsertOpts) error {
	return errors.New("queue unavailable")
}

func TestPlanAndReminderCommitTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		zero := 0
		due := time.Now().Add(time.Hour)
		ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "kept", DueAt: due, RemindMinutes: &zero})
		if err != nil {
			t.Fatal(err)
		}
		broken := plan.NewService(s, w.notes, time.Now)
		broken.SetQueue(failingQueue{})
		if _, err := broken.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "lost", DueAt: due,
			RemindMinutes: &zero}); err == nil {
			t.Fatal("a plan whose reminder could not be queued was accepted")
		}
		if err := broken.Reschedule(ctx, w.repPol, ps[0].ID, due.Add(time.Hour), &zero); err == nil {
			t.Fatal("a reschedule whose reminder could not be queued was accepted")
		}
		all, _ := w.plans.List(ctx, w.repPol, storage.PlanFilter{})
		if len(all) != 1 || all[0].Title != "kept" || !all[0].DueAt.Equal(ps[0].DueAt) {
			t.Fatalf("plans after refused writes: %+v", all)
		}
		// Without a reminder nothing needs queueing.
		if _, err := broken.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "no reminder", DueAt: due}); err != nil {
			t.Fatal(err)
		}
	})
}
