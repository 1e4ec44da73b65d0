package plan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
)

// ReminderQueue is the River queue of reminders, and ReminderWorkers the
// reminders one process works at once: a reminder is a few short
// statements, and many fall due together (everyone's 09:00), so they get
// their own queue rather than wait behind bulk dispatch; River fetches at
// most as many jobs as a queue has free workers, about ten times a second.
const (
	ReminderQueue   = "plan_reminders"
	ReminderWorkers = 50
)

// RemindArgs is the reminder of one plan occurrence at one due time.
type RemindArgs struct {
	PlanID int64 `json:"plan_id"`
	Due    int64 `json:"due"`          // Unix seconds of the due time it reminds of
	At     int64 `json:"at,omitempty"` // Unix seconds it was due to fire: a changed lead time makes it stale
}

// Kind names the job.
func (RemindArgs) Kind() string { return "plan_remind" }

type remindWorker struct {
	river.WorkerDefaults[RemindArgs]
	svc *Service
}

// Register adds the reminder worker to w.
func (s *Service) Register(w *river.Workers) { river.AddWorker(w, &remindWorker{svc: s}) }

// Work notifies the plan's owner, unless the plan was moved (the job of its
// new time will), done or cancelled. An owner who can no longer carry it
// out (deactivated, or no longer allowed to contact the customer) is not
// reminded of a customer out of their reach: the manager of their team is
// told instead that it needs another owner (it is on their reassignment
// list). The notification's dedupe key makes a second run of the same
// reminder a no-op.
func (w *remindWorker) Work(ctx context.Context, job *river.Job[RemindArgs]) error {
	s := w.svc
	pl, err := s.store.PlanByID(ctx, permission.Policy{Admin: true}, job.Args.PlanID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	at, ok := pl.RemindAt()
	if pl.Status != model.PlanOpen || pl.DueAt.Unix() != job.Args.Due || !ok || (job.Args.At != 0 && at.Unix() != job.Args.At) {
		return nil
	}
	owner, err := s.store.UserByID(ctx, pl.OwnerID)
	if err != nil {
		return err
	}
	to, m := pl.OwnerID, reminderMessage(pl, owner)
	reach, err := s.inReach(ctx, owner, pl.CustomerID)
	if err != nil {
		return err
	}
	if !reach {
		manager, err := s.managerOf(ctx, owner)
		if err != nil || manager == nil {
			return err // no manager: the plan waits on the admins' reassignment list
		}
		to, m = manager.ID, reassignMessage(pl, owner, manager)
	}
	_, err = s.notify.Notify(ctx, to, m)
	if errors.Is(err, notify.ErrDuplicate) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.onReminded != nil {
		s.onReminded(s.now().Sub(at))
	}
	if pl.RemindEmail && to == pl.OwnerID {
		s.mailReminder(ctx, owner, m)
	}
	return nil
}

// inReach reports whether owner may still carry out a plan on the
// customer: an active user allowed to contact it.
func (s *Service) inReach(ctx context.Context, owner *model.User, customerID int64) (bool, error) {
	if !owner.Active {
		return false, nil
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return false, err
	}
	a, err := s.store.CustomerAccess(ctx, permission.For(owner, settings), customerID)
	if err != nil {
		return false, err
	}
	return a.Contact, nil
}

// managerOf returns the manager of u's team, or nil.
func (s *Service) managerOf(ctx context.Context, u *model.User) (*model.User, error) {
	if u.TeamID == nil {
		return nil, nil
	}
	t, err := s.store.TeamByID(ctx, *u.TeamID)
	if errors.Is(err, model.ErrNotFound) || err == nil && (t.ManagerID == nil || *t.ManagerID == u.ID) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := s.store.UserByID(ctx, *t.ManagerID)
	if errors.Is(err, model.ErrNotFound) || err == nil && !m.Active {
		return nil, nil
	}
	return m, err
}

// reassignMessage tells manager that owner's plan fell due and needs
// another owner.
func reassignMessage(pl *model.Plan, owner, manager *model.User) notify.Message {
	name := owner.DisplayName
	if name == "" {
		name = owner.Username
	}
	m := notify.Message{
		Kind:      model.NotifyPlanReassign,
		Link:      "/plans/reassign",
		DedupeKey: fmt.Sprintf("plan-reassign:%d:%d", pl.ID, pl.DueAt.Unix()),
		Data:      map[string]any{"plan_id": pl.ID, "customer_id": pl.CustomerID, "owner_id": owner.ID},
	}
	lang := i18n.ZhCN
	if manager.Language == i18n.EN {
		lang = i18n.EN
	}
	m.Title = i18n.T(lang, "plannotify.reassign_title", pl.Title)
	m.Body = i18n.T(lang, "plannotify.reassign_body", name, pl.CustomerName)
	return m
}

func reminderMessage(pl *model.Plan, owner *model.User) notify.Message {
	due := pl.DueAt
	if loc, err := time.LoadLocation(owner.Timezone); err == nil {
		due = due.In(loc)
	}
	m := notify.Message{
		Kind:      model.NotifyPlanReminder,
		Link:      fmt.Sprintf("/plans/%d?contact=now", pl.ID), // the plan, its contact dialog open
		DedupeKey: fmt.Sprintf("plan:%d:%d", pl.ID, pl.DueAt.Unix()),
		Data:      map[string]any{"plan_id": pl.ID, "customer_id": pl.CustomerID},
	}
	if owner.Language == "en" {
		m.Title = "Contact plan: " + pl.Title
		m.Body = fmt.Sprintf("%s, due %s", pl.CustomerName, due.Format("2006-01-02 15:04"))
	} else {
		m.Title = "联系计划提醒：" + pl.Title
		m.Body = fmt.Sprintf("%s，计划时间 %s", pl.CustomerName, due.Format("2006-01-02 15:04"))
	}
	if pl.ContactName != "" {
		m.Body = pl.ContactName + " · " + m.Body
	}
	return m
}
