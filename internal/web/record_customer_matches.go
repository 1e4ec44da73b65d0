package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/storage"
)

// customerMatch is one suggestion of the records list's customer search: a
// link to the list filtered by that customer.
type customerMatch struct {
	Name, Code, URL string
}

// customerMatchesData is the data of the suggestions.
type customerMatchesData struct {
	Query   string
	Matches []customerMatch
}

// recordCustomerMatches suggests the visible customers whose name or code
// contains ?customer_q=, as links that keep the other filters.
func (h *handler) recordCustomerMatches(w http.ResponseWriter, r *http.Request) {
	f := parseRecordFilter(r.URL.Query(), h.location(r))
	f.Values.Del("contact")
	d, err := h.customerMatches(r, func(id int64) string { return f.With("customer", strconv.FormatInt(id, 10)) })
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.fragment(w, r, http.StatusOK, "customer_matches", d)
}

// customerMatches finds at most eight visible customers whose name or
// code contains ?customer_q=, each with the link link makes of its id.
func (h *handler) customerMatches(r *http.Request, link func(id int64) string) (customerMatchesData, error) {
	d := customerMatchesData{Query: searchText(r.URL.Query().Get("customer_q"))}
	if d.Query == "" {
		return d, nil
	}
	cs, _, err := h.app.Contacts.ListCustomers(r.Context(), identity(r).Policy, storage.CustomerFilter{Query: d.Query, Limit: 8})
	for _, c := range cs {
		d.Matches = append(d.Matches, customerMatch{Name: c.Name, Code: c.Code, URL: link(c.ID)})
	}
	return d, err
}
