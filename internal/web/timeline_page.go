package web

import (
	"net/http"

	"touchbase/internal/storage"
)

// timelinePage answers the customer timeline's htmx requests: the next
// records after ?after= ("more"), or the whole card again after a record
// was added. Without htmx it is the customer page.
func (h *handler) timelinePage(w http.ResponseWriter, r *http.Request) {
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/customers/"+r.PathValue("id"), http.StatusSeeOther)
		return
	}
	var after *storage.RecordCursor
	if s := r.URL.Query().Get("after"); s != "" {
		if after, err = storage.ParseRecordCursor(s); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	tc, err := h.timeline(r.Context(), identity(r), cv, after, h.location(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if after != nil {
		tc.Append = true
		h.fragment(w, r, http.StatusOK, "timeline_items", tc)
		return
	}
	cts, err := h.app.Contacts.Contacts(r.Context(), identity(r).Policy, cv.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tc.HasContacts = len(cts) > 0
	h.fragment(w, r, http.StatusOK, "timeline_card", tc)
}
