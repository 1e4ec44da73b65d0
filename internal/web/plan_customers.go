package web

import (
	"fmt"
	"net/http"

	"touchbase/internal/storage"
)

// planCustomerMatches suggests, for a plan opened without a customer, the
// visible customers whose name or code contains ?customer_q=, each a link
// to the plan form for that customer.
func (h *handler) planCustomerMatches(w http.ResponseWriter, r *http.Request) {
	d := customerMatchesData{Query: searchText(r.URL.Query().Get("customer_q"))}
	if d.Query != "" {
		cs, _, err := h.app.Contacts.ListCustomers(r.Context(), identity(r).Policy, storage.CustomerFilter{Query: d.Query, Limit: 8})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, c := range cs {
			d.Matches = append(d.Matches, customerMatch{Name: c.Name, Code: c.Code, URL: fmt.Sprintf("/plans/new?customer_ids=%d", c.ID)})
		}
	}
	h.fragment(w, r, http.StatusOK, "plan_customer_matches", d)
}
