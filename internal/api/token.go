package api

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/auth"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
)

// tokenRequest is the body of POST /tokens.
type tokenRequest struct {
	Username      string           `json:"username"`
	Password      string           `json:"password"`
	Name          string           `json:"name"`
	Scope         model.TokenScope `json:"scope"`
	ExpiresInDays *int             `json:"expires_in_days"`
	NeverExpires  bool             `json:"never_expires"`
}

// newToken is the answer of POST /tokens: the secret, shown once.
type newToken struct {
	*model.APIToken
	Token string `json:"token"`
}

// createToken logs in with a username and password and issues a bearer
// token with the scope and expiry asked for (contact and 90 days by
// default). Failed logins count towards the login throttle (429); a
// scope or expiry the user may not have is a 400 naming the field.
func (h *handler) createToken(w http.ResponseWriter, r *http.Request) {
	var in tokenRequest
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	var errs model.ValidationErrors
	if strings.TrimSpace(in.Username) == "" {
		errs.Add("username", "required", "username is required")
	}
	if in.Password == "" {
		errs.Add("password", "required", "password is required")
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		errs.Add("name", "too_long", "name is too long")
	}
	if err := errs.Err(); err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.app.Auth.Login(r.Context(), strings.TrimSpace(in.Username), in.Password, httpauth.ClientIP(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = "api " + time.Now().UTC().Format(time.DateOnly)
	}
	spec := auth.TokenSpec{Name: in.Name, Scope: in.Scope, ExpiresInDays: in.ExpiresInDays, NeverExpires: in.NeverExpires}
	secret, t, err := h.app.Auth.CreateAPIToken(r.Context(), u, spec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newToken{APIToken: t, Token: secret})
}

// listTokens lists the caller's tokens.
func (h *handler) listTokens(w http.ResponseWriter, r *http.Request) {
	items, err := h.app.Auth.APITokens(r.Context(), identity(r).User.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// deleteToken revokes one of the caller's tokens.
func (h *handler) deleteToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.Auth.RevokeAPIToken(r.Context(), identity(r).User.ID, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}

// signOutBody is the optional body of the sign-out-everywhere endpoints.
type signOutBody struct {
	RevokeTokens bool `json:"revoke_tokens"`
}

// signOutEverywhere ends every session of the caller, the current one
// included, and with revoke_tokens every API token of theirs.
func (h *handler) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	var in signOutBody
	if err := decodeOptional(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	out, err := h.app.Auth.SignOutEverywhere(r.Context(), identity(r).User.ID, in.RevokeTokens)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// signOutUser is sign out everywhere on behalf of a user; admins only.
func (h *handler) signOutUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in signOutBody
	if err := decodeOptional(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	out, err := h.app.Admin.SignOutUser(r.Context(), policy(r), id, in.RevokeTokens)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// userTokens lists a user's API tokens; admins only.
func (h *handler) userTokens(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Admin.UserTokens(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}
