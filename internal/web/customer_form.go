package web

import (
	"net/http"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// customerFormData is the data of the new and edit customer pages.
type customerFormData struct {
	base
	Customer *model.Customer
	Errors   model.ValidationErrors
	Action   string
	Reps     []*model.User // choices of exclusive rep (admins)
}

// readCustomer copies the posted fields into c. Only admins choose the
// exclusive rep and the code; for others they stay as they were (a new
// customer of a rep gets a generated code).
func readCustomer(r *http.Request, c *model.Customer, admin bool) {
	if admin {
		c.Code = strings.TrimSpace(r.PostFormValue("code"))
	}
	c.Name = r.PostFormValue("name")
	c.Level = r.PostFormValue("level")
	c.Industry = r.PostFormValue("industry")
	c.Address = r.PostFormValue("address")
	c.Notes = r.PostFormValue("notes")
	c.DoNotContact = formBool(r, "do_not_contact")
	if admin {
		c.RepID = formID(r, "rep_id")
	}
}

// customerForm renders the customer form page with status.
func (h *handler) customerForm(w http.ResponseWriter, r *http.Request, status int, d customerFormData) {
	if d.Admin {
		users, err := h.app.Admin.Users(r.Context(), storage.UserFilter{ActiveOnly: true})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Reps = users
	}
	h.render(w, r, status, "customer_form.html", d)
}
