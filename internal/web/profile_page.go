package web

import (
	"net/http"

	"touchbase/internal/model"
)

// profileData is the data of the profile page.
type profileData struct {
	base
	Form           *model.User
	Errors         model.ValidationErrors
	PasswordErrors model.ValidationErrors
	Tokens         tokensCard
	Bot            botCard // the user's own group bot
}

// tokensCard lists the user's API tokens; right after one is created it
// shows its secret, once.
type tokensCard struct {
	Tokens    []*model.APIToken
	NewSecret string
	Name      string
	Errors    model.ValidationErrors
}

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
	d := profileData{base: h.base(w, r, "profile", "profile.title"), Form: &u}
	var err error
	if d.Tokens.Tokens, err = h.app.Auth.APITokens(r.Context(), id.User.ID); err != nil {
		return d, err
	}
	d.Bot, err = h.botCard(r, false, d.CSRF)
	return d, err
}
