package api

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/httpauth"
	"touchbase/internal/model"
)

// tokenRequest is the body of POST /tokens.
type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// newToken is the answer of POST /tokens: the secret, shown once.
type newToken struct {
	*model.APIToken
	Token string `json:"token"`
}

// createToken logs in with a username and password and issues a bearer
// token. Failed logins count towards the login throttle (429).
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
	secret, t, err := h.app.Auth.CreateAPIToken(r.Context(), u.ID, in.Name)
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
