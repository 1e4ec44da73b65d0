package web

import (
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

// tokenCreate issues an API token with the scope and expiry chosen and
// shows its secret once.
func (h *handler) tokenCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	form := tokenForm{Name: r.PostFormValue("name"), Scope: r.PostFormValue("scope"), Expires: r.PostFormValue("expires_in_days")}
	spec, errs := form.spec()
	secret := ""
	if len(errs) == 0 {
		var err error
		secret, _, err = h.app.Auth.CreateAPIToken(r.Context(), id.User, spec)
		if ve, ok := model.AsValidation(err); ok {
			errs = ve
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	} else {
		form = newTokenForm()
	}
	d, err := h.profile(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Tokens.NewSecret, d.Tokens.Form, d.Tokens.Errors = secret, form, errs
	h.view(w, r, status, "profile.html", "tokens_card", d)
}

// spec reads the form into what the token service takes: expires_in_days
// is a number of days or "never".
func (f tokenForm) spec() (auth.TokenSpec, model.ValidationErrors) {
	spec := auth.TokenSpec{Name: f.Name, Scope: model.TokenScope(f.Scope)}
	var errs model.ValidationErrors
	switch v := strings.TrimSpace(f.Expires); v {
	case "":
	case "never":
		spec.NeverExpires = true
	default:
		days, err := strconv.Atoi(v)
		if err != nil {
			errs.Add("expires_in_days", "expiry_range", "expires_in_days must be a number of days or never")
		}
		spec.ExpiresInDays = &days
	}
	return spec, errs
}
