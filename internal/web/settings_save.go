package web

import (
	"net/http"
	"strings"

	"touchbase/internal/model"
)

// splitKeywords reads a list typed with commas (, ， 、), semicolons or
// new lines between its words.
func splitKeywords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' || r == '\r'
	})
}

// settingsSave stores the permission settings.
func (h *handler) settingsSave(w http.ResponseWriter, r *http.Request) {
	st := model.Settings{
		Visibility:     r.PostFormValue("visibility"),
		OpenContactAll: formBool(r, "open_contact_all"),
		DefaultRegion:  strings.ToUpper(strings.TrimSpace(r.PostFormValue("default_region"))),
		OptOutKeywords: splitKeywords(r.PostFormValue("opt_out_keywords")),
		TimeZone:       strings.TrimSpace(r.PostFormValue("time_zone")),
	}
	for _, key := range model.QuietWindowKeys {
		w := st.QuietHours.ByKey(key)
		if formBool(r, "quiet_hours."+key+".limited") {
			w.Start = strings.TrimSpace(r.PostFormValue("quiet_hours." + key + ".start"))
			w.End = strings.TrimSpace(r.PostFormValue("quiet_hours." + key + ".end"))
		}
	}
	err := h.app.Admin.SaveSettings(r.Context(), identity(r).Policy, st)
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.settingsData(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Settings, d.Errors = st, ve
		h.render(w, r, http.StatusBadRequest, "admin_settings.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.settings_saved", "/admin/settings")
}
