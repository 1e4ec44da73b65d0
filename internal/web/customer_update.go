package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// customerUpdate saves a customer's details; only admins change the rep.
func (h *handler) customerUpdate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !cv.Access.Edit {
		h.fail(w, r, model.ErrForbidden)
		return
	}
	c := *cv.Customer
	readCustomer(r, &c, id.User.IsAdmin())
	url := "/customers/" + strconv.FormatInt(c.ID, 10)
	err = h.app.Contacts.UpdateCustomer(r.Context(), id.Policy, &c)
	if ve, ok := model.AsValidation(err); ok {
		d := customerFormData{base: h.base(w, r, "customers", "customer.edit_title"), Customer: &c, Errors: ve, Action: url}
		h.customerForm(w, r, http.StatusBadRequest, d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.customer_saved")
	h.redirect(w, r, url)
}
