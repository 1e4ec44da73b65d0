package web

import (
	"net/http"

	"touchbase/internal/model"
)

// customerNew shows the form of a new customer. Agents become its rep.
func (h *handler) customerNew(w http.ResponseWriter, r *http.Request) {
	d := customerFormData{base: h.base(w, r, "customers", "customer.new_title"), Customer: &model.Customer{},
		Action: "/customers"}
	h.customerForm(w, r, http.StatusOK, d)
}
