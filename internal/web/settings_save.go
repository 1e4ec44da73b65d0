package web

import (
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/model"
)

// formSetting reads a whole number setting: def when the form has no
// such field, -1 (out of every range) when it is not a number.
func formSetting(r *http.Request, name string, def int) int {
	if _, ok := r.PostForm[name]; !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	if err != nil {
		return -1
	}
	return n
}

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
	// The safeguards keep their values when a form leaves them out.
	cur, err := h.app.Admin.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st.CanaryPercent = formSetting(r, "canary_percent", cur.CanaryPercent)
	st.CanaryMax = formSetting(r, "canary_max", cur.CanaryMax)
	st.FailurePausePercent = formSetting(r, "failure_pause_percent", cur.FailurePausePercent)
	formLimits(r, &st, cur)
	for _, key := range model.QuietWindowKeys {
		w := st.QuietHours.ByKey(key)
		if formBool(r, "quiet_hours."+key+".limited") {
			w.Start = strings.TrimSpace(r.PostFormValue("quiet_hours." + key + ".start"))
			w.End = strings.TrimSpace(r.PostFormValue("quiet_hours." + key + ".end"))
		}
	}
	err = h.app.Admin.SaveSettings(r.Context(), identity(r).Policy, st)
	if ve, ok := model.AsValidation(err); ok {
		d, err := h.settingsData(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Settings, d.Errors = st, ve
		if err := d.limitRows(h, r); err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusBadRequest, "admin_settings.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.settings_saved", "/admin/settings")
}
