package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// customerEdit shows the edit form of a customer the user may edit.
func (h *handler) customerEdit(w http.ResponseWriter, r *http.Request) {
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !cv.Access.Edit {
		h.fail(w, r, model.ErrForbidden)
		return
	}
	d := customerFormData{base: h.base(w, r, "customers", "customer.edit_title"), Customer: cv.Customer,
		Action: "/customers/" + strconv.FormatInt(cv.ID, 10)}
	h.customerForm(w, r, http.StatusOK, d)
}
