package web

import (
	"net/http"
	"strconv"
	"time"

	"touchbase/internal/contact"
	"touchbase/internal/model"
)

// planFormData is the data of the plan form, as a dialog or a page: a new
// plan for one or more customers, or an open plan being edited.
type planFormData struct {
	base
	Plan      *model.Plan // nil for a new plan
	Customers []*contact.CustomerView
	Contacts  []*model.Contact // of the one customer
	Topics    []*model.Topic
	Owners    []*model.User // reps the user may assign; empty when they may not
	Form      planForm
	Errors    model.ValidationErrors
	Weekdays  []weekdayChoice
	Reminders []int
	// Reschedule: the form holds only the due time and the reminder.
	Reschedule bool
}

// Action is the URL the form posts to.
func (d planFormData) Action() string {
	if d.Plan != nil {
		return "/plans/" + strconv.FormatInt(d.Plan.ID, 10)
	}
	return "/plans"
}

// Back is where Cancel leads: the plan, the one customer, or the customers.
func (d planFormData) Back() string {
	switch {
	case d.Plan != nil:
		return "/plans/" + strconv.FormatInt(d.Plan.ID, 10)
	case len(d.Customers) == 1:
		return "/customers/" + strconv.FormatInt(d.Customers[0].ID, 10)
	}
	return "/customers"
}

// IsRemind reports whether the reminder choice m (minutes) is selected.
func (d planFormData) IsRemind(m int) bool { return d.Form.Remind == strconv.Itoa(m) }

// planFormLoad loads what the plan form shows for the customers ids: each
// must be visible to the user (else 404); the contacts are offered when
// there is one customer; owners when the user manages others.
func (h *handler) planFormLoad(w http.ResponseWriter, r *http.Request, ids []int64, title string) (planFormData, error) {
	ctx, id := r.Context(), identity(r)
	d := planFormData{base: h.base(w, r, "plans", title), Weekdays: weekdays(), Reminders: remindChoices()}
	for i, cid := range ids {
		if i == maxPickedCustomers {
			break
		}
		cv, err := h.app.Contacts.Customer(ctx, id.Policy, cid)
		if err != nil {
			return d, err
		}
		d.Customers = append(d.Customers, cv)
	}
	var err error
	if len(d.Customers) == 1 {
		if d.Contacts, err = h.app.Contacts.Contacts(ctx, id.Policy, d.Customers[0].ID); err != nil {
			return d, err
		}
	}
	if d.Topics, err = h.app.Admin.Topics(ctx, true); err != nil {
		return d, err
	}
	if managesOthers(id.User) {
		d.Owners, err = h.managedReps(ctx, id.User)
	}
	return d, err
}

// maxPickedCustomers is the most customers ticked on the customer list
// that one plan form or bulk wizard takes (the plan service's limit).
const maxPickedCustomers = 1000

// dayStart is midnight of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
