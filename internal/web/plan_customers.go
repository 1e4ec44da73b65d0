package web

import (
	"fmt"
	"net/http"
)

// planCustomerMatches suggests, for a plan opened without a customer, the
// visible customers whose name or code contains ?customer_q=, each a link
// to the plan form for that customer.
func (h *handler) planCustomerMatches(w http.ResponseWriter, r *http.Request) {
	d, err := h.customerMatches(r, func(id int64) string { return fmt.Sprintf("/plans/new?customer_ids=%d", id) })
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.fragment(w, r, http.StatusOK, "plan_customer_matches", d)
}
