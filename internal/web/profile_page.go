package web

import (
	"net/http"
	"strconv"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
	"touchbase/internal/wecom"
)

// profileData is the data of the profile page.
type profileData struct {
	base
	Form           *model.User
	Errors         model.ValidationErrors
	PasswordErrors model.ValidationErrors
	Tokens         tokensCard
	Bot            botCard // the user's own group bot
	SignOut        signOutCard
	WeCom          wecom.AppNotify // notifications as WeCom application messages
}

// tokenTable is the list of a user's tokens: on the profile with a revoke
// button each, on the admin's user page without.
type tokenTable struct {
	Tokens []*model.APIToken
	CSRF   string
	Loc    *time.Location
	Revoke bool
}

// signOutCard is the "sign out everywhere" form, for oneself on the
// profile, for a user on the admin's user page.
type signOutCard struct {
	CSRF, Action   string
	Intro, Confirm string // catalog keys
}

// tokensCard lists the user's API tokens; right after one is created it
// shows its secret, once.
type tokensCard struct {
	Tokens    []*model.APIToken
	NewSecret string
	Form      tokenForm
	Errors    model.ValidationErrors
	// Expiries are the lifetimes offered, in days.
	Expiries []int
}

// tokenForm is the new-token form as typed.
type tokenForm struct {
	Name, Scope, Expires string
}

// newTokenForm is the form's first state: contact scope, the default
// lifetime.
func newTokenForm() tokenForm {
	return tokenForm{Scope: string(model.ScopeContact), Expires: strconv.Itoa(auth.DefaultTokenDays)}
}

// tokenExpiries are the lifetimes the form offers besides "never" (admins).
var tokenExpiries = []int{7, 30, 90, 180, 365}

// profilePage shows the user's own details, password change, tokens and
// group bot.
func (h *handler) profilePage(w http.ResponseWriter, r *http.Request) {
	d, err := h.profile(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "profile.html", d)
}

// profile loads the profile page data of the signed-in user.
func (h *handler) profile(w http.ResponseWriter, r *http.Request) (profileData, error) {
	id := identity(r)
	u := *id.User
	d := profileData{base: h.base(w, r, "profile", "profile.title"), Form: &u,
		Tokens: tokensCard{Form: newTokenForm(), Expiries: tokenExpiries}}
	d.SignOut = signOutCard{CSRF: d.CSRF, Action: "/profile/sign-out-everywhere", Intro: "signout.intro_self",
		Confirm: "signout.confirm_self"}
	var err error
	if d.Tokens.Tokens, err = h.app.Auth.APITokens(r.Context(), id.User.ID); err != nil {
		return d, err
	}
	if d.Bot, err = h.botCard(r, false, d.CSRF); err != nil {
		return d, err
	}
	d.WeCom, err = h.app.WeCom.AppNotifyOf(r.Context(), id.User.ID)
	return d, err
}
