package web

import (
	"net/http"
	"strconv"
)

// teamEdit shows the dialog renaming a team or changing its manager.
func (h *handler) teamEdit(w http.ResponseWriter, r *http.Request) {
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
	d, err := h.teamForm(r.Context(), teamFormData{base: h.adminBase(w, r, "teams", "team.edit_title"), Form: t,
		Action: "/admin/teams/" + strconv.FormatInt(id, 10)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "team_form.html", "team_dialog", d)
}
