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
	Zones      []string
	QuietKeys  []string
	Caps       []capRow
	Prices     []priceRow
	Bot        botCard // the admin-wide group bot
}

// commonRegions are suggested for the default phone region.
var commonRegions = []string{"CN", "HK", "MO", "TW", "SG", "MY", "JP", "KR", "US", "GB", "AU", "DE", "FR"}

// commonZones are suggested for the company time zone.
var commonZones = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Europe/London", "America/New_York"}

// settingsPage shows who may see and contact which customers, the
// default phone region and the admin-wide group bot.
func (h *handler) settingsPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.settingsData(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_settings.html", d)
}

// settingsData loads the settings page with the stored settings.
func (h *handler) settingsData(w http.ResponseWriter, r *http.Request) (settingsData, error) {
	d := settingsData{base: h.adminBase(w, r, "settings", "admin.permissions"), Visibility: visibilities, Regions: commonRegions,
		Zones: commonZones, QuietKeys: model.QuietWindowKeys}
	var err error
	if d.Settings, err = h.app.Admin.Settings(r.Context()); err != nil {
		return d, err
	}
	d.Bot, err = h.botCard(r, true, d.CSRF)
	if err != nil {
		return d, err
	}
	return d, d.limitRows(h, r)
}

// limitRows fills the rows of the caps and prices from d.Settings.
func (d *settingsData) limitRows(h *handler, r *http.Request) error {
	d.Caps = capRows(d.Settings.FrequencyCaps)
	var err error
	d.Prices, err = h.priceRows(r.Context(), d.Settings.Prices)
	return err
}

var visibilities = []string{model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll}
