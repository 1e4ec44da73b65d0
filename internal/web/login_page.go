package web

import (
	"net/http"

	"touchbase/internal/httpauth"
)

// loginData is the data of the login page.
type loginData struct {
	base
	Username string
	Next     string
	Error    string // catalog key of the failure, if any
	// Wait is, for a throttled attempt, the seconds until the next one.
	Wait int
}

// loginPage shows the login form; signed-in users go straight on.
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"), "/")
	if id := httpauth.From(r.Context()); id != nil && id.User.Active {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login.html", loginData{base: h.base(w, r, "", "login.title"), Next: next})
}
