package web

import (
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// teamListData is the data of the teams page.
type teamListData struct {
	base
	Teams []*model.Team
	names map[int64]string
}

// UserName returns the name of a team's manager, or "".
func (d teamListData) UserName(id *int64) string {
	if id == nil {
		return ""
	}
	return d.names[*id]
}

// teamList lists the teams with their managers and sizes.
func (h *handler) teamList(w http.ResponseWriter, r *http.Request) {
	teams, err := h.app.Admin.Teams(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.app.Admin.Users(r.Context(), storage.UserFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := teamListData{base: h.adminBase(w, r, "teams", "admin.teams"), Teams: teams, names: map[int64]string{}}
	for _, u := range users {
		d.names[u.ID] = u.Name()
	}
	h.render(w, r, http.StatusOK, "admin_teams.html", d)
}
