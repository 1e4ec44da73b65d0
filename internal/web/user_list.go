package web

import (
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// userListData is the data of the users page.
type userListData struct {
	base
	Users []*model.User
	teams map[int64]string
}

// TeamName returns the name of a user's team, or "".
func (d userListData) TeamName(id *int64) string {
	if id == nil {
		return ""
	}
	return d.teams[*id]
}

// userList lists every user (admins).
func (h *handler) userList(w http.ResponseWriter, r *http.Request) {
	users, err := h.app.Admin.Users(r.Context(), storage.UserFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	teams, err := h.app.Admin.Teams(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := userListData{base: h.adminBase(w, r, "users", "admin.users"), Users: users, teams: map[int64]string{}}
	for _, t := range teams {
		d.teams[t.ID] = t.Name
	}
	h.render(w, r, http.StatusOK, "admin_users.html", d)
}
