package web

import (
	"context"
	"net/http"
	"strings"

	"touchbase/internal/model"
)

// userFormData is the data of the new user dialog and the user page.
type userFormData struct {
	base
	Form           *model.User
	Errors         model.ValidationErrors
	PasswordErrors model.ValidationErrors
	Teams          []*model.Team
	Action         string
	// Tokens and SignOut: on the page of an existing user, their API
	// tokens and the "sign out everywhere" form.
	Tokens  []*model.APIToken
	SignOut signOutCard
}

// readUser copies the posted fields into u; the username only when the
// user is new (it is their login and stays fixed afterwards).
func readUser(r *http.Request, u *model.User, isNew bool) {
	if isNew {
		u.Username = strings.TrimSpace(r.PostFormValue("username"))
	}
	u.DisplayName = r.PostFormValue("display_name")
	u.Email = r.PostFormValue("email")
	u.Mobile = r.PostFormValue("mobile")
	u.Role = model.Role(r.PostFormValue("role"))
	u.TeamID = formID(r, "team_id")
	u.Active = formBool(r, "active")
	u.MustChangePassword = formBool(r, "must_change_password")
	u.Language = r.PostFormValue("language")
	u.Timezone = r.PostFormValue("timezone")
}

// userForm fills the team choices of d and, for an existing user, their
// tokens and the sign-out form.
func (h *handler) userForm(ctx context.Context, d userFormData) (userFormData, error) {
	teams, err := h.app.Admin.Teams(ctx)
	if err != nil {
		return d, err
	}
	d.Teams = teams
	if d.Form.ID == 0 {
		return d, nil
	}
	d.SignOut = signOutCard{CSRF: d.CSRF, Action: d.Action + "/sign-out-everywhere", Intro: "signout.intro_admin",
		Confirm: "signout.confirm_admin"}
	d.Tokens, err = h.app.Auth.APITokens(ctx, d.Form.ID)
	return d, err
}
