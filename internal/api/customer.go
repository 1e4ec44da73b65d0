package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// customerBody holds the writable fields of a customer.
type customerBody struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Level        string `json:"level"`
	Industry     string `json:"industry"`
	Address      string `json:"address"`
	Notes        string `json:"notes"`
	RepID        *int64 `json:"rep_id"`
	DoNotContact bool   `json:"do_not_contact"`
}

func customerBodyOf(c *model.Customer) customerBody {
	return customerBody{Code: c.Code, Name: c.Name, Level: c.Level, Industry: c.Industry, Address: c.Address,
		Notes: c.Notes, RepID: clone(c.RepID), DoNotContact: c.DoNotContact}
}

func (b customerBody) apply(c *model.Customer) {
	c.Code, c.Name, c.Level, c.Industry, c.Address, c.Notes = b.Code, b.Name, b.Level, b.Industry, b.Address, b.Notes
	c.RepID, c.DoNotContact = b.RepID, b.DoNotContact
}

// customerDetail is a customer with what the caller may do with it.
type customerDetail struct {
	*model.Customer
	Access accessFlags `json:"access"`
}

// accessFlags is the caller's access to one customer.
type accessFlags struct {
	See     bool `json:"see"`
	Contact bool `json:"contact"`
	Edit    bool `json:"edit"`
}

func detailOf(v *contact.CustomerView) customerDetail {
	return customerDetail{Customer: v.Customer, Access: accessFlags{See: v.Access.See, Contact: v.Access.Contact, Edit: v.Access.Edit}}
}

// respondCustomer answers with the customer id as the caller now sees it.
func (h *handler) respondCustomer(w http.ResponseWriter, r *http.Request, status int, id int64) {
	v, err := h.app.Contacts.Customer(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/customers/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, detailOf(v))
}

// listCustomers lists the customers the caller may see, filtered, ordered
// and paged.
func (h *handler) listCustomers(w http.ResponseWriter, r *http.Request) {
	var f storage.CustomerFilter
	var err error
	if f.Query, err = queryText(r, "q"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Mine, err = queryBool(r, "mine"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.RepID, err = queryID(r, "rep_id"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Level, err = queryText(r, "level"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Industry, err = queryText(r, "industry"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Limit, err = queryInt(r, "limit", 50, 1, 500); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Offset, err = queryInt(r, "offset", 0, 0, 1<<31-1); err != nil {
		h.fail(w, r, err)
		return
	}
	sort := r.URL.Query().Get("sort")
	if sort == "" {
		sort = "name"
	} else if !slices.Contains(storage.CustomerSortKeys, sort) {
		h.fail(w, r, newBadRequest("invalid_parameter", "sort", "sort must be one of "+strings.Join(storage.CustomerSortKeys, ", ")))
		return
	}
	desc, err := queryBool(r, "desc")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, total, err := h.app.Contacts.ListCustomersOrdered(r.Context(), policy(r), f, sort, desc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := listOf(items)
	out.Total = total
	writeJSON(w, http.StatusOK, out)
}

// getCustomer returns one visible customer with the caller's access.
func (h *handler) getCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondCustomer(w, r, http.StatusOK, id)
}

// createCustomer adds a customer; agents become its exclusive rep.
func (h *handler) createCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	c := &model.Customer{}
	in.apply(c)
	if err := h.app.Contacts.CreateCustomer(r.Context(), policy(r), c); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondCustomer(w, r, http.StatusCreated, c.ID)
}

// replaceCustomer is PUT: every writable field is set from the body.
func (h *handler) replaceCustomer(w http.ResponseWriter, r *http.Request) {
	h.updateCustomer(w, r, false)
}

// patchCustomer is PATCH: only the fields in the body change.
func (h *handler) patchCustomer(w http.ResponseWriter, r *http.Request) { h.updateCustomer(w, r, true) }

func (h *handler) updateCustomer(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Contacts.Customer(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in customerBody
	if partial {
		in = customerBodyOf(cur.Customer)
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	c := *cur.Customer
	in.apply(&c)
	if err := h.app.Contacts.UpdateCustomer(r.Context(), policy(r), &c); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondCustomer(w, r, http.StatusOK, id)
}

// deleteCustomer removes a customer with its contacts; admins only.
func (h *handler) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.Contacts.DeleteCustomer(r.Context(), policy(r), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}

// upsertCustomerByCode creates or replaces the customer with the code in
// the path (host CRM sync; admins only): 201 when created, 200 when updated.
func (h *handler) upsertCustomerByCode(w http.ResponseWriter, r *http.Request) {
	code, err := pathText(r, "code")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in customerBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if in.Code != "" && in.Code != code {
		h.fail(w, r, model.NewFieldError("code", "mismatch", "code in the body differs from the code in the path"))
		return
	}
	in.Code = code
	c := &model.Customer{}
	in.apply(c)
	created, err := h.app.Contacts.UpsertCustomerByCode(r.Context(), policy(r), c)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	h.respondCustomer(w, r, status, c.ID)
}
