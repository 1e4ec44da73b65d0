package web

import (
	"net/http"

	"touchbase/internal/model"
)

// teamCreate adds a team.
func (h *handler) teamCreate(w http.ResponseWriter, r *http.Request) {
	t := &model.Team{}
	readTeam(r, t)
	err := h.app.Admin.CreateTeam(r.Context(), identity(r).Policy, t)
	if ve, ok := model.AsValidation(err); ok {
		h.teamFormFailed(w, r, teamFormData{base: h.adminBase(w, r, "teams", "team.new_title"), Form: t, Errors: ve,
			Action: "/admin/teams"})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.team_created", "/admin/teams")
}
