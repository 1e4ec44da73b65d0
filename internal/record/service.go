package record

import (
	"context"
	"strings"
	"time"

	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/plan"
	"touchbase/internal/smstemplate"
	"touchbase/internal/storage"
)

// Service manages contact records and single contacts.
type Service struct {
	store     *storage.Store
	channels  *registry.Registry
	templates *smstemplate.Service // nil: every SMS is free text
	plans     *plan.Service
	now       func() time.Time
	queue     jobs.Queue // for IndexSoon; nil in tools that run no jobs
	wecom     WeCom      // nil: single contacts cannot use WeCom
	weComPoll time.Duration
	onUnsent  UnsentFunc
}

// NewService returns a Service; now is the clock (time.Now in production).
// SMS on a template channel go through templates; records made for a
// contact plan complete it through plans.
func NewService(store *storage.Store, channels *registry.Registry, templates *smstemplate.Service, plans *plan.Service, now func() time.Time) *Service {
	return &Service{store: store, channels: channels, templates: templates, plans: plans, now: now}
}

// List returns a page of the records the user may see.
func (s *Service) List(ctx context.Context, p permission.Policy, f storage.RecordFilter) ([]*model.Record, *storage.RecordCursor, error) {
	return s.store.ListRecords(ctx, p, f)
}

// CountCap is how far the records list counts its total: more reads as
// "more than CountCap".
const CountCap = 10000

// Count returns how many records matching f the user may see, counting
// at most most of them; more reports that there are more than most.
func (s *Service) Count(ctx context.Context, p permission.Policy, f storage.RecordFilter, most int) (n int, more bool, err error) {
	n, err = s.store.CountVisibleRecords(ctx, p, f, most)
	if n > most {
		return most, true, err
	}
	return n, false, err
}

// Get returns one record the user may see.
func (s *Service) Get(ctx context.Context, p permission.Policy, id int64) (*model.Record, error) {
	return s.store.RecordByID(ctx, p, id)
}

// Common is what every record carries, from a form or the API.
type Common struct {
	ContactID int64   `json:"contact_id"`
	Title     string  `json:"title"`
	TopicIDs  []int64 `json:"topic_ids"`
	Summary   string  `json:"summary"`
	PlanID    *int64  `json:"plan_id,omitempty"`
}

// target is the contact and customer a record or send is about, checked
// against the permission engine.
type target struct {
	contact  *model.Contact
	customer *model.Customer
}

// resolve loads the contact and its customer and checks the user may
// contact it: ErrNotFound when invisible, ErrForbidden when visible only.
func (s *Service) resolve(ctx context.Context, p permission.Policy, contactID int64) (*target, error) {
	if contactID <= 0 {
		return nil, model.NewFieldError("contact_id", "required", "contact is required")
	}
	ct, err := s.store.ContactByID(ctx, p, contactID)
	if err != nil {
		return nil, err
	}
	a, err := s.store.CustomerAccess(ctx, p, ct.CustomerID)
	if err != nil {
		return nil, err
	}
	if !a.Contact {
		return nil, model.ErrForbidden
	}
	cust, err := s.store.CustomerByID(ctx, p, ct.CustomerID)
	if err != nil {
		return nil, err
	}
	return &target{contact: ct, customer: cust}, nil
}

// checkCommon trims and validates title, summary and topics.
func (s *Service) checkCommon(ctx context.Context, c *Common, errs *model.ValidationErrors) error {
	c.Title = strings.TrimSpace(c.Title)
	c.Summary = strings.TrimSpace(c.Summary)
	errs.Text("title", c.Title, true, 200)
	errs.Text("summary", c.Summary, false, 5000)
	seen := map[int64]bool{}
	var ids []int64
	for _, id := range c.TopicIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		t, err := s.store.TopicByID(ctx, id)
		if err == model.ErrNotFound || (err == nil && !t.Active) {
			errs.Add("topic_ids", "not_found", "unknown or retired topic")
			continue
		} else if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	c.TopicIDs = ids
	return nil
}

// planFor checks that a record may fulfil plan id for this contact: an
// open plan the user sees, on the same customer. It returns the plan's
// next occurrence for a recurring plan (nil otherwise).
func (s *Service) planFor(ctx context.Context, p permission.Policy, c *Common, t *target, errs *model.ValidationErrors) *model.Plan {
	if c.PlanID == nil {
		return nil
	}
	pl, err := s.plans.Get(ctx, p, *c.PlanID)
	switch {
	case err != nil:
		errs.Add("plan_id", "not_found", "unknown contact plan")
		return nil
	case pl.Status != model.PlanOpen:
		errs.Add("plan_id", "not_open", "the plan is already done or closed")
		return nil
	case pl.CustomerID != t.customer.ID:
		errs.Add("plan_id", "other_customer", "the plan is for another customer")
		return nil
	}
	next, err := s.plans.Next(ctx, pl)
	if err != nil {
		errs.Add("plan_id", "invalid", err.Error())
	}
	return next
}

// planScheduler queues the reminders of plans written with records.
func (s *Service) planScheduler() storage.PlanScheduler {
	if s.plans == nil {
		return nil
	}
	return s.plans.ScheduleTx
}
