package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"touchbase/internal/model"
)

// tokenCreate issues an API token and shows its secret once.
func (h *handler) tokenCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	var errs model.ValidationErrors
	switch {
	case name == "":
		errs.Add("name", "required", "name is required")
	case utf8.RuneCountInString(name) > 100:
		errs.Add("name", "too_long", "name is too long")
	}
	secret := ""
	if len(errs) == 0 {
		var err error
		if secret, _, err = h.app.Auth.CreateAPIToken(r.Context(), id.User.ID, name); err != nil {
			h.fail(w, r, err)
			return
		}
		name = ""
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	d, err := h.profile(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Tokens.NewSecret, d.Tokens.Name, d.Tokens.Errors = secret, name, errs
	h.view(w, r, status, "profile.html", "tokens_card", d)
}
