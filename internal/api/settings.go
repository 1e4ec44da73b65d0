package api

import (
	"net/http"

	"touchbase/internal/model"
)

// getSettings returns the settings in force; everyone may read them.
func (h *handler) getSettings(w http.ResponseWriter, r *http.Request) {
	st, err := h.app.Admin.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// replaceSettings is PUT: every setting is set from the body, absent ones
// to their defaults. Admins only.
func (h *handler) replaceSettings(w http.ResponseWriter, r *http.Request) {
	h.saveSettings(w, r, false)
}

// patchSettings is PATCH: only the settings in the body change. Admins only.
func (h *handler) patchSettings(w http.ResponseWriter, r *http.Request) { h.saveSettings(w, r, true) }

func (h *handler) saveSettings(w http.ResponseWriter, r *http.Request, partial bool) {
	in := model.DefaultSettings()
	if partial {
		cur, err := h.app.Admin.Settings(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		in = cur
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Admin.SaveSettings(r.Context(), policy(r), in); err != nil {
		h.fail(w, r, err)
		return
	}
	h.getSettings(w, r)
}
