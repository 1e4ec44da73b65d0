package web

import (
	"net/http"

	"touchbase/internal/model"
)

// teamNew shows the dialog creating a team.
func (h *handler) teamNew(w http.ResponseWriter, r *http.Request) {
	d, err := h.teamForm(r.Context(), teamFormData{base: h.adminBase(w, r, "teams", "team.new_title"),
		Form: &model.Team{}, Action: "/admin/teams"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "team_form.html", "team_dialog", d)
}
