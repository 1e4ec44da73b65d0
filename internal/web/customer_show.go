package web

import (
	"net/http"
	"time"

	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// customerPlans bounds the open plans a customer page lists.
const customerPlans = 20

// customerData is the data of the customer page.
type customerData struct {
	base
	Customer *contact.CustomerView
	Contacts contactsCard
	People   peopleCard
	Timeline timelineCard
	Plans    customerPlansCard
}

// customerPlansCard is the data of the customer's open plans card.
type customerPlansCard struct {
	Customer *contact.CustomerView
	Plans    []*model.Plan
	Loc      *time.Location
}

// customerShow shows one customer with its details, people, contacts,
// open contact plans and contact timeline.
// A customer the user may not see is a 404, like a missing one.
func (h *handler) customerShow(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := customerData{base: h.base(w, r, "customers", "customer.title"), Customer: cv}
	d.Title = cv.Name
	if d.Contacts, err = h.contactsCard(r.Context(), id, cv); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.People, err = h.peopleCard(r.Context(), id, cv); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Timeline, err = h.timeline(r.Context(), id, cv, nil, d.Loc); err != nil {
		h.fail(w, r, err)
		return
	}
	d.Timeline.HasContacts = len(d.Contacts.Contacts) > 0
	d.Plans = customerPlansCard{Customer: cv, Loc: d.Loc}
	if d.Plans.Plans, err = h.app.Plans.List(r.Context(), id.Policy, storage.PlanFilter{CustomerID: cv.ID,
		Status: model.PlanOpen, Limit: customerPlans}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "customer.html", d)
}
