package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// contactNew shows the dialog adding a contact to a customer.
func (h *handler) contactNew(w http.ResponseWriter, r *http.Request) {
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !cv.Access.Edit {
		h.fail(w, r, model.ErrForbidden)
		return
	}
	d := contactFormData{base: h.base(w, r, "customers", "contact.new_title"), Customer: cv,
		Contact: &model.Contact{CustomerID: cv.ID}, Action: "/customers/" + strconv.FormatInt(cv.ID, 10) + "/contacts", Dialog: isHTMX(r)}
	h.view(w, r, http.StatusOK, "contact_form.html", "contact_dialog", d)
}
