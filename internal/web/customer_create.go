package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// customerCreate stores a new customer and opens its page.
func (h *handler) customerCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	c := &model.Customer{}
	readCustomer(r, c, id.User.IsAdmin())
	err := h.app.Contacts.CreateCustomer(r.Context(), id.Policy, c)
	if ve, ok := model.AsValidation(err); ok {
		d := customerFormData{base: h.base(w, r, "customers", "customer.new_title"), Customer: c, Errors: ve,
			Action: "/customers"}
		h.customerForm(w, r, http.StatusBadRequest, d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, "flash.customer_created")
	h.redirect(w, r, "/customers/"+strconv.FormatInt(c.ID, 10))
}
