package web

import (
	"mime"
	"net/http"
	"time"
)

// customerExport downloads the customers ticked on the customer list
// (?customer_ids=…) with their contacts, as CSV in the import's format: a
// team edits the file in a spreadsheet and imports it again.
func (h *handler) customerExport(w http.ResponseWriter, r *http.Request) {
	ids := formIDs(r, "customer_ids")
	cw := &countingWriter{w: w}
	hdr := w.Header()
	name := "customers-" + time.Now().In(h.location(r)).Format("20060102-1504") + ".csv"
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	err := h.app.Contacts.ExportCustomers(r.Context(), identity(r).Policy, ids, h.lang(r), cw)
	if err == nil {
		return
	}
	if cw.n == 0 {
		hdr.Del("Content-Type")
		hdr.Del("Content-Disposition")
		h.fail(w, r, err)
		return
	}
	// Too late for an error page: the download ends short.
	h.app.Log.Error("customers export", "err", err)
}
