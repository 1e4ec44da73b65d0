package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/contact"
	"touchbase/internal/model"
)

// contactFormData is the data of the contact dialog (or page).
type contactFormData struct {
	base
	Customer *contact.CustomerView
	Contact  *model.Contact
	Errors   model.ValidationErrors
	Action   string
	// Dialog is set when the form is the dialog of the customer's page,
	// which htmx swaps; opened as a page of its own (a new tab, a link)
	// it posts as a plain form and goes back to the customer.
	Dialog bool
}

// readContact copies the posted fields into ct.
func readContact(r *http.Request, ct *model.Contact) {
	ct.Name = r.PostFormValue("name")
	ct.Title = r.PostFormValue("title")
	ct.Mobile = r.PostFormValue("mobile")
	ct.Email = r.PostFormValue("email")
	ct.WeComID = r.PostFormValue("wecom_id")
	ct.OptOutSMS = formBool(r, "opt_out_sms")
	ct.OptOutEmail = formBool(r, "opt_out_email")
	ct.OptOutWeCom = formBool(r, "opt_out_wecom")
	ct.OptOutCall = formBool(r, "opt_out_call")
	ct.Primary = formBool(r, "primary")
}

// contactFormFailed shows the form again with its field errors: htmx
// swaps it in place inside the open dialog.
func (h *handler) contactFormFailed(w http.ResponseWriter, r *http.Request, d contactFormData) {
	d.Dialog = isHTMX(r)
	h.formFailed(w, r, "contact_form.html", "contact_form", "contact-form", d)
}

// contactSaved answers a successful change: htmx gets the new contacts
// table and closes the dialog; a plain form goes back to the customer.
func (h *handler) contactSaved(w http.ResponseWriter, r *http.Request, cv *contact.CustomerView, flash string) {
	if !isHTMX(r) {
		setFlash(w, flash)
		h.redirect(w, r, "/customers/"+strconv.FormatInt(cv.ID, 10))
		return
	}
	card, err := h.contactsCard(r.Context(), identity(r), cv)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	trigger(w, map[string]any{"closeDialog": true, "toast": toast{Message: h.t(r, flash)}})
	h.fragment(w, r, http.StatusOK, "contacts_card", card)
}
