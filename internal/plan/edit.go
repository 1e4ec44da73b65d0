package plan

import (
	"context"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Edit is the new content of an open plan.
type Edit struct {
	ContactID     *int64      `json:"contact_id"`
	Title         string      `json:"title"`
	Notes         string      `json:"notes"`
	TopicIDs      []int64     `json:"topic_ids"`
	DueAt         time.Time   `json:"due_at"`
	RemindMinutes *int        `json:"remind_minutes"`
	RemindEmail   bool        `json:"remind_email"`
	Recurrence    *Recurrence `json:"recurrence"`
}

// Update changes an open plan the user may see (its owner, their manager,
// an admin). A moved due time or reminder moves the reminder job.
func (s *Service) Update(ctx context.Context, p permission.Policy, id int64, e Edit) (*model.Plan, error) {
	pl, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	var errs model.ValidationErrors
	s.checkDetails(&errs, &e.Title, e.Notes, e.DueAt, pl.DueAt, e.RemindMinutes, e.Recurrence)
	if pl.Status != model.PlanOpen {
		errs.Add("status", "not_open", "only an open plan can be changed")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if e.ContactID != nil {
		ct, err := s.store.ContactByID(ctx, p, *e.ContactID)
		if err != nil || ct.CustomerID != pl.CustomerID {
			return nil, model.NewFieldError("contact_id", "not_found", "the contact is not one of this customer's")
		}
	}
	if err := s.checkTopics(ctx, e.TopicIDs); err != nil {
		return nil, err
	}
	if e.TopicIDs == nil {
		e.TopicIDs = []int64{}
	}
	pl.ContactID, pl.Title, pl.Notes, pl.TopicIDs = e.ContactID, e.Title, e.Notes, e.TopicIDs
	pl.DueAt, pl.RemindMinutes, pl.RemindEmail, pl.Recurrence = e.DueAt, e.RemindMinutes, e.RemindEmail, e.Recurrence.String()
	if err := s.store.UpdatePlan(ctx, pl, s.ScheduleTx); err != nil {
		return nil, err
	}
	return s.store.PlanByID(ctx, p, id)
}

// Reassign gives an open plan to another rep: the user must manage both
// the plan's owner and the new owner (admins: anyone), and the new owner
// must be allowed to contact the customer. The pending reminder goes to
// whoever owns the plan when it fires.
func (s *Service) Reassign(ctx context.Context, p permission.Policy, id, ownerID int64) (*model.Plan, error) {
	pl, err := s.editable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if ownerID == 0 {
		return nil, model.NewFieldError("owner_id", "required", "choose the rep who takes the plan over")
	}
	ok, err := s.store.ManagesUser(ctx, p, ownerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NewFieldError("owner_id", "forbidden", "you can assign plans only to reps you manage")
	}
	owner, err := s.store.UserByID(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.store.CustomerAccess(ctx, permission.For(owner, settings), pl.CustomerID)
	if err != nil {
		return nil, err
	}
	if !a.Contact {
		return nil, model.NewFieldError("owner_id", "forbidden", "this rep may not contact the plan's customer")
	}
	if err := s.store.ReassignPlan(ctx, id, ownerID); err != nil {
		return nil, err
	}
	return s.store.PlanByID(ctx, p, id)
}

// NeedReassignment lists the open plans the user may see whose owner can
// no longer carry them out: the owner lost the right to contact the
// customer, or the owner's account was deactivated.
func (s *Service) NeedReassignment(ctx context.Context, p permission.Policy) ([]*model.Plan, error) {
	owners, err := s.store.OpenPlanOwners(ctx, p)
	if err != nil {
		return nil, err
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	var out []*model.Plan
	for _, id := range owners {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		var ps []*model.Plan
		if u.Active {
			ps, err = s.store.OpenPlansOutOfReach(ctx, permission.For(u, settings))
		} else {
			ps, err = s.store.ListPlans(ctx, p, storage.PlanFilter{OwnerID: id, Status: model.PlanOpen, Limit: 1000})
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}
