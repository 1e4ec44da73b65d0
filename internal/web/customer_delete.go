package web

import "net/http"

// customerDelete removes a customer with its contacts (admins only; the
// service says 403 to others).
func (h *handler) customerDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.app.Contacts.DeleteCustomer(r.Context(), identity(r).Policy, id); err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.customer_deleted")
	h.redirect(w, r, "/customers")
}
