package web

import (
	"context"
	"net/http"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// teamFormData is the data of the team dialog.
type teamFormData struct {
	base
	Form   *model.Team
	Errors model.ValidationErrors
	Users  []*model.User // manager choices
	Action string
}

// readTeam copies the posted fields into t.
func readTeam(r *http.Request, t *model.Team) {
	t.Name = r.PostFormValue("name")
	t.ManagerID = formID(r, "manager_id")
	t.MonthlyBudget = 0
	if v := strings.TrimSpace(r.PostFormValue("monthly_budget")); v != "" {
		t.MonthlyBudget = formMoney(r, "monthly_budget", 0)
	}
}

// teamForm fills the manager choices of d.
func (h *handler) teamForm(ctx context.Context, d teamFormData) (teamFormData, error) {
	users, err := h.app.Admin.Users(ctx, storage.UserFilter{ActiveOnly: true})
	d.Users = users
	return d, err
}

// teamFormFailed shows the team form again with its errors.
func (h *handler) teamFormFailed(w http.ResponseWriter, r *http.Request, d teamFormData) {
	d, err := h.teamForm(r.Context(), d)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.formFailed(w, r, "team_form.html", "team_form", "team-form", d)
}
