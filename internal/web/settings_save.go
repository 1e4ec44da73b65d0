package web

import (
	"net/http"
	"strings"

	"touchbase/internal/model"
)

// settingsSave stores the permission settings.
func (h *handler) settingsSave(w http.ResponseWriter, r *http.Request) {
	st := model.Settings{
		Visibility:     r.PostFormValue("visibility"),
		OpenContactAll: formBool(r, "open_contact_all"),
		DefaultRegion:  strings.ToUpper(strings.TrimSpace(r.PostFormValue("default_region"))),
	}
	err := h.app.Admin.SaveSettings(r.Context(), identity(r).Policy, st)
	if ve, ok := model.AsValidation(err); ok {
		h.render(w, r, http.StatusBadRequest, "admin_settings.html", settingsData{base: h.adminBase(w, r, "settings", "admin.permissions"),
			Settings: st, Errors: ve, Visibility: visibilities, Regions: commonRegions})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.settings_saved", "/admin/settings")
}
