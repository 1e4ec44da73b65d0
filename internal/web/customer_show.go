package web

import (
	"net/http"

	"touchbase/internal/contact"
)

// customerData is the data of the customer page.
type customerData struct {
	base
	Customer *contact.CustomerView
	Contacts contactsCard
	People   peopleCard
	Timeline timelineCard
}

// customerShow shows one customer with its details, people, contacts and
// contact timeline.
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
	h.render(w, r, http.StatusOK, "customer.html", d)
}
