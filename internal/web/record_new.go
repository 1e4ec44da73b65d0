package web

import "net/http"

// recordNew shows the dialog adding a record by hand for a customer's
// contact (?contact_id=, else the plan's, else the primary one), timed
// now. With ?plan_id= the record completes that contact plan.
func (h *handler) recordNew(w http.ResponseWriter, r *http.Request) {
	d, err := h.recordFormLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var contactID int64
	if id := formID(r, "contact_id"); id != nil {
		contactID = *id
	}
	if id := formID(r, "plan_id"); id != nil {
		if d.Plan, err = h.contactPlan(r, *id); err != nil {
			h.fail(w, r, err)
			return
		}
		contactID = planContactID(contactID, d.Plan)
		d.Form.Title, d.Form.TopicIDs, d.Form.PlanID = d.Plan.Title, d.Plan.TopicIDs, d.Plan.ID
	}
	ct, err := pickContact(d.Contacts, contactID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ct != nil {
		d.Form.ContactID = ct.ID
	}
	d.Form.Channel, d.Form.ContactedAt = "phone", d.Now
	h.view(w, r, http.StatusOK, "record_form.html", "record_dialog", d)
}
