package plan_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

type world struct {
	store                 *storage.Store
	plans                 *plan.Service
	records               *record.Service
	notes                 *notify.Service
	rep, mgr, other, rep2 *model.User
	customer, foreign     *model.Customer
	contact               *model.Contact
	repPol, mgrPol, oPol  permission.Policy
}

func setup(t *testing.T, s *storage.Store) *world {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	box, _ := channel.NewSecretBox(make([]byte, 32))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &world{store: s}
	w.notes = notify.NewService(s, notify.NewBotClient(http.DefaultClient, false), box, log, notify.Config{})
	w.plans = plan.NewService(s, w.notes, time.Now)
	reg := registry.New(s, box, channel.Env{})
	w.records = record.NewService(s, reg, nil, w.plans, time.Now)
	w.plans.SetMailer(reg, "https://crm.example.com/", log)
	workers := river.NewWorkers()
	w.plans.Register(workers)
	q, err := jobs.New(s, jobs.Options{Workers: workers, MaxWorkers: 4, Queues: map[string]int{plan.ReminderQueue: 4}, FetchPoll: 50 * time.Millisecond, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	w.plans.SetQueue(q)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	team := &model.Team{Name: "T"}
	if err := s.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	w.rep = &model.User{Username: "rep", Email: "rep@example.com", Role: model.RoleAgent, Active: true, TeamID: &team.ID, Timezone: "Asia/Shanghai"}
	w.mgr = &model.User{Username: "mgr", Role: model.RoleAgent, Active: true, Timezone: "Asia/Shanghai"}
	w.other = &model.User{Username: "other", Role: model.RoleAgent, Active: true, Timezone: "Asia/Shanghai"}
	w.rep2 = &model.User{Username: "rep2", Role: model.RoleAgent, Active: true, TeamID: &team.ID, Timezone: "Asia/Shanghai"}
	for _, u := range []*model.User{w.rep, w.mgr, w.other, w.rep2} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	team.ManagerID = &w.mgr.ID
	if err := s.UpdateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	w.customer = &model.Customer{Name: "恒信科技", Code: "HX", RepID: &w.rep.ID}
	w.foreign = &model.Customer{Name: "别人的", Code: "F", RepID: &w.other.ID}
	for _, c := range []*model.Customer{w.customer, w.foreign} {
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	w.contact = &model.Contact{CustomerID: w.customer.ID, Name: "李雷", Mobile: "+8613800000001"}
	if err := s.CreateContact(ctx, w.contact); err != nil {
		t.Fatal(err)
	}
	st := model.Settings{Visibility: model.VisibilityTeam}
	for _, u := range []*model.User{w.rep, w.mgr, w.other, w.rep2} {
		full, _ := s.UserByID(ctx, u.ID)
		*u = *full
	}
	w.repPol, w.mgrPol, w.oPol = permission.For(w.rep, st), permission.For(w.mgr, st), permission.For(w.other, st)
	return w
}

func (w *world) reminders(t *testing.T, userID int64) []*model.Notification {
	t.Helper()
	ns, err := w.notes.List(context.Background(), userID, storage.NotificationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReminderFiresOnceAndFollowsReschedules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		lateness := make(chan time.Duration, 10)
		w.plans.OnReminded(func(late time.Duration) { lateness <- late })
		zero := 0
		// Three plans due in about a second, reminded at due time: one
		// kept, one moved an hour later, one cancelled.
		due := time.Now().Add(1200 * time.Millisecond)
		mk := func(title string) *model.Plan {
			ps, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, ContactID: &w.contact.ID,
				Title: title, DueAt: due, RemindMinutes: &zero})
			if err != nil {
				t.Fatal(err)
			}
			return ps[0]
		}
		kept, moved, cancelled := mk("keep"), mk("move"), mk("cancel")
		later := time.Now().Add(time.Hour)
		if err := w.plans.Reschedule(ctx, w.repPol, moved.ID, later, &zero); err != nil {
			t.Fatal(err)
		}
		if err := w.plans.Cancel(ctx, w.repPol, cancelled.ID, "客户已联系"); err != nil {
			t.Fatal(err)
		}
		// The jobs due now (kept, the moved plan's old one, the cancelled
		// one) all run; the moved plan's new one waits an hour.
		waitFor(t, "the due reminder jobs", func() bool { return completedReminders(t, s) == 3 })
		ns := w.reminders(t, w.rep.ID)
		if len(ns) != 1 || ns[0].Kind != model.NotifyPlanReminder || ns[0].Link != "/plans/"+itoa(kept.ID)+"?contact=now" {
			t.Fatalf("reminders: %+v", ns)
		}
		// The one reminder sent is measured, from its due moment.
		if len(lateness) != 1 {
			t.Fatalf("%d reminders measured, want 1", len(lateness))
		}
		if late := <-lateness; late < 0 || late > 5*time.Second {
			t.Errorf("reminder late by %v", late)
		}
		// Running the same reminder again (a retried job) notifies no one twice.
		if _, err := w.notes.Notify(ctx, w.rep.ID, notify.Message{Kind: model.NotifyPlanReminder, Title: "x",
			DedupeKey: "plan:" + itoa(kept.ID) + ":" + itoa(kept.DueAt.Unix())}); !errors.Is(err, notify.ErrDuplicate) {
			t.Fatalf("second reminder of one occurrence: %v", err)
		}
	})
}

// A reminder whose time has passed when the plan is written is workable
// at once, not left for River's scheduler; a later one waits scheduled.
func TestPastReminderIsQueuedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		before, hour := 30, 60
		jobs := func(state string) int {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'plan_remind' AND state = $1`,
				state).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Due in ten minutes, reminded thirty minutes before: that time is past.
		if _, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "soon",
			DueAt: time.Now().Add(10 * time.Minute), RemindMinutes: &before}); err != nil {
			t.Fatal(err)
		}
		if n := jobs("scheduled"); n != 0 {
			t.Fatalf("%d reminders whose time has passed wait for River's scheduler", n)
		}
		waitFor(t, "the past reminder", func() bool { return completedReminders(t, s) == 1 })
		if ns := w.reminders(t, w.rep.ID); len(ns) != 1 || ns[0].Kind != model.NotifyPlanReminder {
			t.Fatalf("reminders: %+v", ns)
		}
		if _, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "later",
			DueAt: time.Now().Add(3 * time.Hour), RemindMinutes: &hour}); err != nil {
			t.Fatal(err)
		}
		if n := jobs("scheduled"); n != 1 {
			t.Fatalf("%d scheduled reminders, want the later one", n)
		}
	})
}

// completedReminders counts reminder jobs River has finished.
func completedReminders(t *testing.T, s *storage.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job WHERE kind = 'plan_remind'
		AND state = 'completed'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestPlanPermissionsAndCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		due := time.Now().Add(48 * time.Hour)
		// The rep cannot plan for a customer they may not contact (not even see: 404).
		if _, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{CustomerIDs: []int64{w.foreign.ID}, Title: "x", DueAt: due}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("plan on an invisible customer: %v", err)
		}
		// A rep cannot assign plans to others; their manager can.
		if _, err := w.plans.Create(ctx, w.repPol, w.rep, plan.Input{OwnerID: w.mgr.ID, CustomerIDs: []int64{w.customer.ID}, Title: "x", DueAt: due}); err == nil {
			t.Fatal("rep assigned a plan to someone else")
		}
		// Weekly on the due time's weekday in the owner's time zone (Shanghai).
		shanghai, _ := time.LoadLocation(w.rep.Timezone)
		weekly := &plan.Recurrence{Freq: plan.Weekly, Weekdays: []time.Weekday{due.In(shanghai).Weekday()}, Count: 3}
		ps, err := w.plans.Create(ctx, w.mgrPol, w.mgr, plan.Input{OwnerID: w.rep.ID, CustomerIDs: []int64{w.customer.ID},
			ContactID: &w.contact.ID, Title: "周回访", DueAt: due, Recurrence: weekly})
		if err != nil {
			t.Fatal(err)
		}
		p1 := ps[0]
		if _, err := w.plans.Get(ctx, w.oPol, p1.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("an outsider sees the plan: %v", err)
		}
		// Completing through a manual record links the record, marks the plan done and rolls it a week.
		r, err := w.records.AddManual(ctx, w.repPol, record.ManualInput{Common: record.Common{ContactID: w.contact.ID, Title: "回访",
			PlanID: &p1.ID}, Channel: model.ChannelPhone, ContactedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if r.Source != model.SourcePlan {
			t.Fatalf("record source %s", r.Source)
		}
		done, _ := w.plans.Get(ctx, w.repPol, p1.ID)
		if done.Status != model.PlanDone || done.RecordID == nil || *done.RecordID != r.ID {
			t.Fatalf("plan after record: %+v", done)
		}
		open, err := w.plans.List(ctx, w.repPol, storage.PlanFilter{OwnerID: w.rep.ID, Status: model.PlanOpen})
		if err != nil || len(open) != 1 || open[0].Occurrence != 2 || !open[0].DueAt.Equal(p1.DueAt.AddDate(0, 0, 7)) {
			t.Fatalf("next occurrence: %+v %v", open, err)
		}
		// The same plan cannot be completed twice.
		_, err = w.records.AddManual(ctx, w.repPol, record.ManualInput{Common: record.Common{ContactID: w.contact.ID, Title: "again",
			PlanID: &p1.ID}, Channel: model.ChannelPhone, ContactedAt: time.Now()})
		if ve, ok := model.AsValidation(err); !ok || ve.For("plan_id") == nil {
			t.Fatalf("completing a done plan: %v", err)
		}
		// Closing the second occurrence with a reason rolls to the third; closing the third ends the series (count 3).
		next, err := w.plans.Close(ctx, w.repPol, open[0].ID, "客户出差")
		if err != nil || next == nil || next.Occurrence != 3 {
			t.Fatalf("close: %+v %v", next, err)
		}
		if last, err := w.plans.Close(ctx, w.repPol, next.ID, "客户出差"); err != nil || last != nil {
			t.Fatalf("series should end after 3: %+v %v", last, err)
		}
		if _, err := w.plans.Close(ctx, w.repPol, next.ID, ""); err == nil {
			t.Fatal("closing without a reason (and twice) accepted")
		}
	})
}

// TestReminderOfAPlanOutOfReachGoesToTheManager: a rep who served a
// customer as participant plans a call, then loses the relation. When the
// plan falls due, the rep is not reminded of a customer out of reach; the
// team's manager is told it needs another owner, and finds it on the
// reassignment list.
func TestReminderOfAPlanOutOfReachGoesToTheManager(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := setup(t, s)
		if err := s.SetRelation(ctx, &model.Relation{CustomerID: w.customer.ID, UserID: w.rep2.ID, Kind: model.RelationParticipant}); err != nil {
			t.Fatal(err)
		}
		zero := 0
		pol := permission.For(w.rep2, model.Settings{Visibility: model.VisibilityTeam})
		ps, err := w.plans.Create(ctx, pol, w.rep2, plan.Input{CustomerIDs: []int64{w.customer.ID}, Title: "续约回访",
			DueAt: time.Now().Add(1200 * time.Millisecond), RemindMinutes: &zero})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRelation(ctx, w.customer.ID, w.rep2.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the reminder job", func() bool { return completedReminders(t, s) == 1 })
		if ns := w.reminders(t, w.rep2.ID); len(ns) != 0 {
			t.Fatalf("the owner out of reach was told: %+v", ns)
		}
		ns := w.reminders(t, w.mgr.ID)
		if len(ns) != 1 || ns[0].Kind != model.NotifyPlanReassign || ns[0].Link != "/plans/reassign" ||
			ns[0].Title != "联系计划待重新分配：续约回访" || !strings.Contains(ns[0].Body, "恒信科技") {
			t.Fatalf("the manager's notifications: %+v", ns)
		}
		list, err := w.plans.NeedReassignment(ctx, w.mgrPol)
		if err != nil || len(list) != 1 || list[0].ID != ps[0].ID {
			t.Fatalf("reassignment list: %v, %+v", err, list)
		}
	})
}
