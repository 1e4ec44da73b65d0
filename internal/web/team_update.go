package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// teamUpdate renames a team or changes its manager.
func (h *handler) teamUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	t, err := h.app.Admin.Team(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	readTeam(r, t)
	err = h.app.Admin.UpdateTeam(r.Context(), identity(r).Policy, t)
	if ve, ok := model.AsValidation(err); ok {
		h.teamFormFailed(w, r, teamFormData{base: h.adminBase(w, r, "teams", "team.edit_title"), Form: t, Errors: ve,
			Action: "/admin/teams/" + strconv.FormatInt(id, 10)})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.team_saved", "/admin/teams")
}
