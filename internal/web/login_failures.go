package web

import (
	"net/http"

	"touchbase/internal/model"
)

// loginFailuresShown bounds the admins' list of failed logins.
const loginFailuresShown = 200

// loginFailuresData is the data of the failed-logins page.
type loginFailuresData struct {
	base
	Failures []model.LoginFailure
}

// loginFailures lists the usernames and addresses that failed to log in
// within the last week (admins).
func (h *handler) loginFailures(w http.ResponseWriter, r *http.Request) {
	list, err := h.app.Auth.RecentLoginFailures(r.Context(), loginFailuresShown)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := loginFailuresData{base: h.adminBase(w, r, "login_failures", "loginfail.title"), Failures: list}
	h.render(w, r, http.StatusOK, "admin_login_failures.html", d)
}
