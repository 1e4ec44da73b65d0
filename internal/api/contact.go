package api

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// contactBody holds the writable fields of a contact.
type contactBody struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Mobile      string `json:"mobile"`
	Email       string `json:"email"`
	WeComID     string `json:"wecom_id"`
	OptOutSMS   bool   `json:"opt_out_sms"`
	OptOutEmail bool   `json:"opt_out_email"`
	OptOutWeCom bool   `json:"opt_out_wecom"`
	OptOutCall  bool   `json:"opt_out_call"`
	Primary     bool   `json:"primary"`
}

func contactBodyOf(c *model.Contact) contactBody {
	return contactBody{Name: c.Name, Title: c.Title, Mobile: c.Mobile, Email: c.Email, WeComID: c.WeComID,
		OptOutSMS: c.OptOutSMS, OptOutEmail: c.OptOutEmail, OptOutWeCom: c.OptOutWeCom, OptOutCall: c.OptOutCall,
		Primary: c.Primary}
}

func (b contactBody) apply(c *model.Contact) {
	c.Name, c.Title, c.Mobile, c.Email, c.WeComID = b.Name, b.Title, b.Mobile, b.Email, b.WeComID
	c.OptOutSMS, c.OptOutEmail, c.OptOutWeCom, c.OptOutCall = b.OptOutSMS, b.OptOutEmail, b.OptOutWeCom, b.OptOutCall
	c.Primary = b.Primary
	c.OptOutBy = model.OptOutByAPI
}

// contactPage is the answer of a contact search: one page, and whether
// more follow.
type contactPage struct {
	Items   []*model.Contact `json:"items"`
	HasMore bool             `json:"has_more"`
}

// region returns the default phone region for numbers without a country.
func (h *handler) region(r *http.Request) (string, error) {
	st, err := h.app.Admin.Settings(r.Context())
	return st.DefaultRegion, err
}

// respondContact answers with the contact id as the caller now sees it.
func (h *handler) respondContact(w http.ResponseWriter, r *http.Request, status int, id int64) {
	ct, err := h.app.Contacts.Contact(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/contacts/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, ct)
}

// listCustomerContacts lists the contacts of one visible customer.
func (h *handler) listCustomerContacts(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Contacts.Contacts(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// createContact adds a contact to a customer the caller may edit.
func (h *handler) createContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A customer the caller cannot see is a 404, like any other path.
	if _, err := h.app.Contacts.Customer(r.Context(), policy(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	var in contactBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	region, err := h.region(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct := &model.Contact{CustomerID: id}
	in.apply(ct)
	if err := h.app.Contacts.CreateContact(r.Context(), policy(r), region, ct); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondContact(w, r, http.StatusCreated, ct.ID)
}

// searchContacts lists contacts of every customer the caller may see.
func (h *handler) searchContacts(w http.ResponseWriter, r *http.Request) {
	var f storage.ContactFilter
	var err error
	if f.Query, err = queryText(r, "q"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.CustomerID, err = queryID(r, "customer_id"); err != nil {
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
	limit := f.Limit
	f.Limit++ // one more tells whether another page follows
	items, err := h.app.Contacts.SearchContacts(r.Context(), policy(r), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := contactPage{Items: items, HasMore: len(items) > limit}
	if out.HasMore {
		out.Items = items[:limit]
	}
	if out.Items == nil {
		out.Items = []*model.Contact{}
	}
	writeJSON(w, http.StatusOK, out)
}

// getContact returns one contact of a visible customer.
func (h *handler) getContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondContact(w, r, http.StatusOK, id)
}

// replaceContact is PUT: every writable field is set from the body.
func (h *handler) replaceContact(w http.ResponseWriter, r *http.Request) {
	h.updateContact(w, r, false)
}

// patchContact is PATCH: only the fields in the body change.
func (h *handler) patchContact(w http.ResponseWriter, r *http.Request) { h.updateContact(w, r, true) }

func (h *handler) updateContact(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Contacts.Contact(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in contactBody
	if partial {
		in = contactBodyOf(cur)
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	region, err := h.region(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct := *cur
	in.apply(&ct)
	if err := h.app.Contacts.UpdateContact(r.Context(), policy(r), region, &ct); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondContact(w, r, http.StatusOK, id)
}

// deleteContact removes a contact of a customer the caller may edit.
func (h *handler) deleteContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.Contacts.DeleteContact(r.Context(), policy(r), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
