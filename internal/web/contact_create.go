package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// contactCreate adds a contact to a customer the user may edit.
func (h *handler) contactCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct := &model.Contact{CustomerID: cv.ID}
	readContact(r, ct)
	err = h.app.Contacts.CreateContact(r.Context(), id.Policy, h.region(r.Context()), ct)
	if ve, ok := model.AsValidation(err); ok {
		h.contactFormFailed(w, r, contactFormData{base: h.base(w, r, "customers", "contact.new_title"), Customer: cv,
			Contact: ct, Errors: ve, Action: "/customers/" + strconv.FormatInt(cv.ID, 10) + "/contacts"})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.contactSaved(w, r, cv, "flash.contact_created")
}
