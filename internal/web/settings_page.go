package web

import (
	"net/http"

	"touchbase/internal/model"
)

// settingsData is the data of the permission settings page.
type settingsData struct {
	base
	Settings   model.Settings
	Errors     model.ValidationErrors
	Visibility []string
	Regions    []string
}

// commonRegions are suggested for the default phone region.
var commonRegions = []string{"CN", "HK", "MO", "TW", "SG", "MY", "JP", "KR", "US", "GB", "AU", "DE", "FR"}

// settingsPage shows who may see and contact which customers, and the
// default phone region.
func (h *handler) settingsPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.app.Admin.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_settings.html", settingsData{base: h.adminBase(w, r, "settings", "admin.permissions"),
		Settings: st, Visibility: visibilities, Regions: commonRegions})
}

var visibilities = []string{model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll}
