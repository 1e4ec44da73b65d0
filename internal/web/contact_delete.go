package web

import "net/http"

// contactDelete removes a contact of a customer the user may edit.
func (h *handler) contactDelete(w http.ResponseWriter, r *http.Request) {
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
	if err := h.app.Contacts.DeleteContact(r.Context(), id.Policy, ct.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.contactSaved(w, r, cv, "flash.contact_deleted")
}
