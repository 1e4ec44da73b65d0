package web

import (
	"net/http"
	"slices"
)

// timezones are offered in the user and profile forms; a user's own zone
// is added when it is not among them.
var timezones = []string{
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul",
	"Asia/Kolkata", "Asia/Dubai", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
	"America/Chicago", "America/Denver", "America/Los_Angeles", "Australia/Sydney", "UTC",
}

// timezoneChoices returns the offered zones, with current among them.
func timezoneChoices(current string) []string {
	if current == "" || slices.Contains(timezones, current) {
		return timezones
	}
	return append([]string{current}, timezones...)
}

// adminBase is the layout data of an admin page; tab is the active tab.
func (h *handler) adminBase(w http.ResponseWriter, r *http.Request, tab, title string) base {
	b := h.base(w, r, "settings", title)
	b.Sub = tab
	return b
}

// formFailed shows a form again with its field errors (400). htmx swaps
// it in place of the element with the given id, inside the open dialog.
func (h *handler) formFailed(w http.ResponseWriter, r *http.Request, page, fragment, id string, data any) {
	if isHTMX(r) {
		w.Header().Set("HX-Retarget", "#"+id)
		w.Header().Set("HX-Reswap", "outerHTML")
	}
	h.view(w, r, http.StatusBadRequest, page, fragment, data)
}

// saved answers a successful admin form: a flash and the list page.
func (h *handler) saved(w http.ResponseWriter, r *http.Request, flash, url string) {
	setFlash(w, flash)
	h.redirect(w, r, url)
}

// adminHome opens the first settings tab.
func (h *handler) adminHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
