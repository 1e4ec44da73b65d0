package web

import (
	"net/http"
	"slices"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// singleContactNew shows the contact dialog of a customer, for the contact
// named by ?contact_id= (else the plan's, else the primary one). With
// ?plan_id= (Contact now on a plan) it is prefilled from the plan and the
// send completes it. When the rep picks another
// contact in the open dialog, the form comes back with what was typed.
func (h *handler) singleContactNew(w http.ResponseWriter, r *http.Request) {
	form := readSingleContact(r)
	pl, err := h.contactPlan(r, form.PlanID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.singleContact(w, r, planContactID(form.ContactID, pl))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Plan = pl
	if d.Contact != nil {
		form.ContactID = d.Contact.ID
	}
	switch {
	case r.URL.Query().Has("title"): // the dialog re-opened for another contact
		d.Form = form
	case pl != nil: // Contact now on a plan: prefilled from it
		d.Form.Title, d.Form.TopicIDs, d.Form.PlanID = pl.Title, pl.TopicIDs, pl.ID
	}
	if len(d.Form.Channels) == 0 {
		d.Form.Channels = defaultChannels(d)
	}
	if err := h.preview(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "single-contact-form" {
		h.fragment(w, r, http.StatusOK, "single_contact_form", d)
		return
	}
	h.view(w, r, http.StatusOK, "single_contact.html", "single_contact_dialog", d)
}

// defaultChannels ticks SMS when the contact can receive it, else e-mail.
func defaultChannels(d singleContactData) []string {
	switch {
	case d.Contact == nil:
		return nil
	case d.SMSBlock() == "":
		return []string{string(channel.KindSMS)}
	case d.EmailBlock() == "":
		return []string{string(channel.KindEmail)}
	}
	return nil
}

// keepFailed leaves ticked only the channels that did not go out, so that
// sending again does not repeat a message already sent.
func keepFailed(d *singleContactData) {
	d.Form.Channels = slices.DeleteFunc(d.Form.Channels, func(kind string) bool {
		for _, res := range d.Results {
			if res.Channel == kind && res.Status != model.DeliveryFailed {
				return true
			}
		}
		return false
	})
}
