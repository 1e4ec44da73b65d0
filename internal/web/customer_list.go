package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// customersPerPage is the page size of the customer list.
const customersPerPage = 50

// customerListData is the data of the customer list and its results.
type customerListData struct {
	base
	Query     listQuery
	Scope     string // "mine" or "all"
	Q, Level  string
	RepID     int64
	Filtered  bool
	Customers []*model.Customer
	Pager     pager
	Levels    []string
	Reps      []*model.User
	OOB       bool // the results also update the tabs (htmx)
}

// customerList shows the customers the user may see: search, scope tabs,
// level and rep filters, sorting and paging. htmx requests from the filter
// form get only the results.
func (h *handler) customerList(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	in := r.URL.Query()
	d := customerListData{base: h.base(w, r, "customers", "customers.title"), Scope: in.Get("scope"),
		Q: searchText(in.Get("q")), Level: searchText(in.Get("level"))}
	if d.Scope != "mine" && d.Scope != "all" {
		d.Scope = "all"
		if !id.User.IsAdmin() {
			d.Scope = "mine"
		}
	}
	d.RepID, _ = strconv.ParseInt(in.Get("rep"), 10, 64)
	page, _ := strconv.Atoi(in.Get("page"))
	page = max(page, 1)
	sort := in.Get("sort")
	if !slices.Contains(storage.CustomerSortKeys, sort) {
		sort = "name"
	}
	f := storage.CustomerFilter{Query: d.Q, Mine: d.Scope == "mine", RepID: d.RepID, Level: d.Level,
		Limit: customersPerPage, Offset: (page - 1) * customersPerPage}
	customers, total, err := h.app.Contacts.ListCustomersOrdered(r.Context(), id.Policy, f, sort, in.Get("dir") == "desc")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Customers, d.Filtered = customers, d.Q != "" || d.Level != "" || d.RepID != 0
	d.Query = listQuery{path: "/customers", values: cleanQuery(in, "q", "scope", "level", "rep", "sort", "dir", "page"), defaultSort: "name"}
	d.Query.values.Set("scope", d.Scope)
	d.Pager = newPager(d.Query, page, customersPerPage, total)
	if r.Header.Get("HX-Target") == "customer-results" {
		d.OOB = true
		h.fragment(w, r, http.StatusOK, "customer_results", d)
		return
	}
	if d.Levels, err = h.app.Contacts.CustomerLevels(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Reps, err = h.app.Admin.Users(r.Context(), storage.UserFilter{ActiveOnly: true}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "customers.html", d)
}

// cleanQuery keeps the non-empty values of the named keys.
func cleanQuery(in url.Values, keys ...string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		if v := strings.TrimSpace(in.Get(k)); v != "" {
			out.Set(k, v)
		}
	}
	return out
}
