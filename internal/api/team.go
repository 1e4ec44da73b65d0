package api

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// teamBody holds the writable fields of a team.
type teamBody struct {
	Name          string      `json:"name"`
	ManagerID     *int64      `json:"manager_id"`
	MonthlyBudget model.Money `json:"monthly_budget"`
}

// listTeams lists every team.
func (h *handler) listTeams(w http.ResponseWriter, r *http.Request) {
	items, err := h.app.Admin.Teams(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// getTeam returns one team.
func (h *handler) getTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTeam(w, r, http.StatusOK, id)
}

func (h *handler) respondTeam(w http.ResponseWriter, r *http.Request, status int, id int64) {
	t, err := h.app.Admin.Team(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/teams/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, t)
}

// createTeam adds a team; admins only.
func (h *handler) createTeam(w http.ResponseWriter, r *http.Request) {
	var in teamBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t := &model.Team{Name: in.Name, ManagerID: in.ManagerID, MonthlyBudget: in.MonthlyBudget}
	if err := h.app.Admin.CreateTeam(r.Context(), policy(r), t); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTeam(w, r, http.StatusCreated, t.ID)
}

// replaceTeam is PUT: every writable field is set from the body.
func (h *handler) replaceTeam(w http.ResponseWriter, r *http.Request) { h.updateTeam(w, r, false) }

// patchTeam is PATCH: only the fields in the body change.
func (h *handler) patchTeam(w http.ResponseWriter, r *http.Request) { h.updateTeam(w, r, true) }

func (h *handler) updateTeam(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Admin.Team(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in teamBody
	if partial {
		in = teamBody{Name: cur.Name, ManagerID: clone(cur.ManagerID), MonthlyBudget: cur.MonthlyBudget}
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t := *cur
	t.Name, t.ManagerID, t.MonthlyBudget = in.Name, in.ManagerID, in.MonthlyBudget
	if err := h.app.Admin.UpdateTeam(r.Context(), policy(r), &t); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTeam(w, r, http.StatusOK, id)
}

// deleteTeam removes a team; its members stay, teamless. Admins only.
func (h *handler) deleteTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.Admin.DeleteTeam(r.Context(), policy(r), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
