package web

import (
	"net/http"
	"time"
)

// planNew shows the form of a new plan for the customers named by
// ?customer_ids= (one, or many ticked on the customer list), for the
// contact ?contact_id= when there is one customer. Without a customer
// (My plans' New plan) the form opens on a customer search.
func (h *handler) planNew(w http.ResponseWriter, r *http.Request) {
	ids := formIDs(r, "customer_ids")
	d, err := h.planFormLoad(w, r, ids, "plan.new_title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form = newPlanForm(time.Now(), d.Loc)
	d.Form.CustomerIDs, d.Form.OwnerID = ids, identity(r).User.ID
	if cid := formID(r, "contact_id"); cid != nil {
		if _, err := pickContact(d.Contacts, *cid); err != nil || len(d.Customers) != 1 {
			h.notFound(w, r)
			return
		}
		d.Form.ContactID = *cid
	}
	h.view(w, r, http.StatusOK, "plan_form.html", "plan_dialog", d)
}
