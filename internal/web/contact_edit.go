package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// contactEdit shows the dialog editing a contact.
func (h *handler) contactEdit(w http.ResponseWriter, r *http.Request) {
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
	if !cv.Access.Edit {
		h.fail(w, r, model.ErrForbidden)
		return
	}
	d := contactFormData{base: h.base(w, r, "customers", "contact.edit_title"), Customer: cv, Contact: ct,
		Action: "/contacts/" + strconv.FormatInt(ct.ID, 10), Dialog: isHTMX(r)}
	h.view(w, r, http.StatusOK, "contact_form.html", "contact_dialog", d)
}
