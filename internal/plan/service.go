package plan

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Notifier delivers in-app notifications.
type Notifier interface {
	Notify(ctx context.Context, userID int64, m notify.Message) (*model.Notification, error)
}

// Service manages contact plans and their reminders.
type Service struct {
	store   *storage.Store
	queue   jobs.Queue
	notify  Notifier
	mail    Mailer
	baseURL string
	log     *slog.Logger
	now     func() time.Time
	// onReminded hears how late each reminder's notification was.
	onReminded func(late time.Duration)
}

// OnReminded sets the function told, for every reminder sent, how long
// after the moment it was due to fire its notification was written.
func (s *Service) OnReminded(f func(late time.Duration)) { s.onReminded = f }

// NewService returns a Service; set the queue with SetQueue.
func NewService(store *storage.Store, n Notifier, now func() time.Time) *Service {
	return &Service{store: store, notify: n, now: now}
}

// SetQueue sets the job queue reminders are scheduled on.
func (s *Service) SetQueue(q jobs.Queue) { s.queue = q }

// Input is a new plan, for one customer or one each for several.
type Input struct {
	OwnerID       int64       `json:"owner_id"` // 0: the acting user
	CustomerIDs   []int64     `json:"customer_ids"`
	ContactID     *int64      `json:"contact_id"` // only with one customer
	Title         string      `json:"title"`
	Notes         string      `json:"notes"`
	TopicIDs      []int64     `json:"topic_ids"`
	DueAt         time.Time   `json:"due_at"`
	RemindMinutes *int        `json:"remind_minutes"` // nil: none; 0: at due time
	RemindEmail   bool        `json:"remind_email"`   // also e-mail the reminder to the owner
	Recurrence    *Recurrence `json:"recurrence"`
}

// checkDetails validates what a new and an edited plan share. A due time
// left as it was (was) may be in the past: an overdue plan stays editable.
func (s *Service) checkDetails(errs *model.ValidationErrors, title *string, notes string, due, was time.Time, remind *int, rec *Recurrence) {
	*title = strings.TrimSpace(*title)
	errs.Text("title", *title, true, 200)
	errs.Text("notes", notes, false, 5000)
	if due.IsZero() {
		errs.Add("due_at", "required", "due time is required")
	} else if due.Before(s.now().Add(-time.Minute)) && !due.Equal(was) {
		errs.Add("due_at", "in_past", "the due time is in the past")
	}
	if remind != nil && (*remind < 0 || *remind > 60*24*30) {
		errs.Add("remind_minutes", "invalid", "the reminder must be 0 to 43200 minutes before")
	}
	if rec != nil {
		if err := rec.Validate(); err != nil {
			ve, _ := model.AsValidation(err)
			*errs = append(*errs, ve...)
		}
	}
}

// checkTopics refuses unknown or retired topics.
func (s *Service) checkTopics(ctx context.Context, ids []int64) error {
	for _, tid := range ids {
		if t, err := s.store.TopicByID(ctx, tid); err != nil || !t.Active {
			return model.NewFieldError("topic_ids", "not_found", "unknown or retired topic")
		}
	}
	return nil
}

// Create adds plans: the owner is the acting user, or someone they manage
// (admins: anyone); the owner must be allowed to contact each customer.
func (s *Service) Create(ctx context.Context, p permission.Policy, actor *model.User, in Input) ([]*model.Plan, error) {
	var errs model.ValidationErrors
	s.checkDetails(&errs, &in.Title, in.Notes, in.DueAt, time.Time{}, in.RemindMinutes, in.Recurrence)
	if len(in.CustomerIDs) == 0 {
		errs.Add("customer_ids", "required", "choose at least one customer")
	} else if len(in.CustomerIDs) > 1000 {
		errs.Add("customer_ids", "too_many", "at most 1000 customers at once")
	}
	if in.ContactID != nil && len(in.CustomerIDs) != 1 {
		errs.Add("contact_id", "invalid", "a contact can be chosen only for one customer")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	owner := actor
	if in.OwnerID != 0 && in.OwnerID != actor.ID {
		ok, err := s.store.ManagesUser(ctx, p, in.OwnerID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, model.NewFieldError("owner_id", "forbidden", "you can assign plans only to reps you manage")
		}
		if owner, err = s.store.UserByID(ctx, in.OwnerID); err != nil {
			return nil, err
		}
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	ownerPol := permission.For(owner, settings)
	for _, cid := range in.CustomerIDs {
		if _, err := s.store.CustomerByID(ctx, p, cid); err != nil {
			return nil, err // not visible to the actor: 404
		}
		a, err := s.store.CustomerAccess(ctx, ownerPol, cid)
		if err != nil {
			return nil, err
		}
		if !a.Contact {
			return nil, model.NewFieldError("customer_ids", "forbidden", "the plan's owner may not contact this customer")
		}
	}
	if in.ContactID != nil {
		ct, err := s.store.ContactByID(ctx, p, *in.ContactID)
		if err != nil || ct.CustomerID != in.CustomerIDs[0] {
			return nil, model.NewFieldError("contact_id", "not_found", "the contact is not one of this customer's")
		}
	}
	if err := s.checkTopics(ctx, in.TopicIDs); err != nil {
		return nil, err
	}
	by := actor.ID
	plans := make([]*model.Plan, len(in.CustomerIDs))
	for i, cid := range in.CustomerIDs {
		plans[i] = &model.Plan{OwnerID: owner.ID, CreatedBy: &by, CustomerID: cid, ContactID: in.ContactID, Title: in.Title,
			Notes: in.Notes, TopicIDs: in.TopicIDs, DueAt: in.DueAt, RemindMinutes: in.RemindMinutes, RemindEmail: in.RemindEmail,
			Recurrence: in.Recurrence.String()}
	}
	if err := s.store.CreatePlans(ctx, plans, s.ScheduleTx); err != nil {
		return nil, err
	}
	return plans, nil
}

// Get returns a plan the user may see.
func (s *Service) Get(ctx context.Context, p permission.Policy, id int64) (*model.Plan, error) {
	return s.store.PlanByID(ctx, p, id)
}

// List returns plans the user may see, with their topics.
func (s *Service) List(ctx context.Context, p permission.Policy, f storage.PlanFilter) ([]*model.Plan, error) {
	plans, err := s.store.ListPlans(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return plans, s.store.FillPlanTopics(ctx, plans)
}

// editable loads a plan the user may change: its owner, their manager or
// an admin (all of whom see it).
func (s *Service) editable(ctx context.Context, p permission.Policy, id int64) (*model.Plan, error) {
	return s.store.PlanByID(ctx, p, id)
}

// Reschedule moves an open plan; its old reminder becomes a no-op and a new
// one is scheduled.
func (s *Service) Reschedule(ctx context.Context, p permission.Policy, id int64, due time.Time, remind *int) error {
	pl, err := s.editable(ctx, p, id)
	if err != nil {
		return err
	}
	var errs model.ValidationErrors
	title := pl.Title
	s.checkDetails(&errs, &title, "", due, time.Time{}, remind, nil)
	if err := errs.Err(); err != nil {
		return err
	}
	pl.DueAt, pl.RemindMinutes = due, remind
	return s.store.ReschedulePlan(ctx, pl, s.ScheduleTx)
}

// Cancel withdraws an open plan (and ends its series).
func (s *Service) Cancel(ctx context.Context, p permission.Policy, id int64, reason string) error {
	if _, err := s.editable(ctx, p, id); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	var errs model.ValidationErrors
	if errs.Text("reason", reason, false, 1000); errs.Err() != nil {
		return errs.Err()
	}
	return s.store.EndPlan(ctx, id, model.PlanCancelled, reason, nil, nil)
}

// Close ends an open plan without a contact, with a reason; a recurring
// plan rolls to its next occurrence.
func (s *Service) Close(ctx context.Context, p permission.Policy, id int64, reason string) (*model.Plan, error) {
	pl, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, model.NewFieldError("reason", "required", "say why the plan is closed")
	}
	var errs model.ValidationErrors
	if errs.Text("reason", reason, false, 1000); errs.Err() != nil {
		return nil, errs.Err()
	}
	next, err := s.Next(ctx, pl)
	if err != nil {
		return nil, err
	}
	if err := s.store.EndPlan(ctx, id, model.PlanClosed, reason, next, s.ScheduleTx); err != nil {
		return nil, err
	}
	return next, nil
}

// Next returns the next occurrence of a recurring plan (not stored), or
// nil. Occurrences follow the owner's time zone.
func (s *Service) Next(ctx context.Context, pl *model.Plan) (*model.Plan, error) {
	r, err := ParseRecurrence(pl.Recurrence)
	if err != nil || r == nil {
		return nil, err
	}
	owner, err := s.store.UserByID(ctx, pl.OwnerID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(owner.Timezone)
	if err != nil {
		loc = time.UTC
	}
	due, ok := r.Next(pl.DueAt, pl.Occurrence, loc)
	if !ok {
		return nil, nil
	}
	n := *pl
	n.ID, n.DueAt, n.Occurrence, n.Status, n.RecordID, n.CompletedAt, n.CloseReason = 0, due, pl.Occurrence+1, model.PlanOpen, nil, nil, ""
	return &n, nil
}

// ScheduleTx queues the plan's reminder, if it has one, in the
// transaction tx that writes the plan: unique per plan, due time and
// reminder time.
func (s *Service) ScheduleTx(ctx context.Context, tx *sql.Tx, pl *model.Plan) error {
	at, ok := pl.RemindAt()
	if !ok || s.queue == nil {
		return nil
	}
	return s.queue.InsertTx(ctx, tx, RemindArgs{PlanID: pl.ID, Due: pl.DueAt.Unix(), At: at.Unix()},
		&river.InsertOpts{Queue: ReminderQueue, ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}})
}
