package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// contactUpdate saves a contact of a customer the user may edit.
func (h *handler) contactUpdate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	ctID, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	ct, err := h.app.Contacts.Contact(r.Context(), id.Policy, ctID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cv, err := h.app.Contacts.Customer(r.Context(), id.Policy, ct.CustomerID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	readContact(r, ct)
	err = h.app.Contacts.UpdateContact(r.Context(), id.Policy, h.region(r.Context()), ct)
	if ve, ok := model.AsValidation(err); ok {
		h.contactFormFailed(w, r, contactFormData{base: h.base(w, r, "customers", "contact.edit_title"), Customer: cv,
			Contact: ct, Errors: ve, Action: "/contacts/" + strconv.FormatInt(ct.ID, 10)})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.contactSaved(w, r, cv, "flash.contact_saved")
}
