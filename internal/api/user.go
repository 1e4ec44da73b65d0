package api

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// userBody holds the fields of a user an admin may set.
type userBody struct {
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Email       string     `json:"email"`
	Mobile      string     `json:"mobile"`
	Role        model.Role `json:"role"`
	TeamID      *int64     `json:"team_id"`
	Active      bool       `json:"active"`
	Language    string     `json:"language"`
	Timezone    string     `json:"timezone"`
	// MustChangePassword: the user must choose a new password before
	// anything else.
	MustChangePassword bool `json:"must_change_password"`
}

// newUserBody is the body of POST /users: a user and their password.
type newUserBody struct {
	userBody
	Password string `json:"password"`
}

// passwordBody is the body of PUT /users/{id}/password.
type passwordBody struct {
	Password string `json:"password"`
}

// defaultUserBody holds the defaults of create and PUT.
func defaultUserBody() userBody { return userBody{Active: true} }

func userBodyOf(u *model.User) userBody {
	return userBody{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Mobile: u.Mobile, Role: u.Role,
		TeamID: clone(u.TeamID), Active: u.Active, Language: u.Language, Timezone: u.Timezone,
		MustChangePassword: u.MustChangePassword}
}

func (b userBody) apply(u *model.User) {
	u.Username, u.DisplayName, u.Email, u.Mobile, u.Role = b.Username, b.DisplayName, b.Email, b.Mobile, b.Role
	u.TeamID, u.Active, u.Language, u.Timezone = b.TeamID, b.Active, b.Language, b.Timezone
	u.MustChangePassword = b.MustChangePassword
}

// userView is what the caller sees of u: every field for admins and for
// themselves, the colleague's name, role and team for everyone else.
func userView(r *http.Request, u *model.User) any {
	if policy(r).SeesUserDetails(u.ID) {
		return u
	}
	return u.Colleague()
}

// listUsers lists users; everyone may (to pick a rep or a relation), but
// only admins see usernames, e-mail addresses and mobile numbers.
func (h *handler) listUsers(w http.ResponseWriter, r *http.Request) {
	var f storage.UserFilter
	var err error
	if f.Query, err = queryText(r, "q"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.TeamID, err = queryID(r, "team_id"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.ActiveOnly, err = queryBool(r, "active"); err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.app.Admin.Directory(r.Context(), policy(r), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items := make([]any, len(users))
	for i, u := range users {
		items[i] = userView(r, u)
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// getUser returns one user, as the caller may see them.
func (h *handler) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.app.Admin.User(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userView(r, u))
}

// createUser adds a user with a password; admins only.
func (h *handler) createUser(w http.ResponseWriter, r *http.Request) {
	in := newUserBody{userBody: defaultUserBody()}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	u := &model.User{}
	in.apply(u)
	if err := h.app.Admin.CreateUser(r.Context(), policy(r), u, in.Password); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/users/"+strconv.FormatInt(u.ID, 10))
	writeJSON(w, http.StatusCreated, u)
}

// replaceUser is PUT: every writable field is set from the body.
func (h *handler) replaceUser(w http.ResponseWriter, r *http.Request) { h.updateUser(w, r, false) }

// patchUser is PATCH: only the fields in the body change.
func (h *handler) patchUser(w http.ResponseWriter, r *http.Request) { h.updateUser(w, r, true) }

func (h *handler) updateUser(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Admin.User(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := defaultUserBody()
	if partial {
		in = userBodyOf(cur)
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	u := *cur
	in.apply(&u)
	if err := h.app.Admin.UpdateUser(r.Context(), policy(r), &u); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &u)
}

// setUserPassword replaces a user's password, ends their sessions and
// revokes their API tokens; admins only.
func (h *handler) setUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.app.Admin.User(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	var in passwordBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Admin.AdminSetPassword(r.Context(), policy(r), id, in.Password); err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
