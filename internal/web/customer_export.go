package web

import (
	"io"
	"net/http"
	"time"

	"touchbase/internal/importer"
)

// customerExport downloads the customers ticked on the customer list
// (?customer_ids=…) with their contacts, as CSV in the import's format: a
// team edits the file in a spreadsheet and imports it again.
func (h *handler) customerExport(w http.ResponseWriter, r *http.Request) {
	ids := formIDs(r, "customer_ids")
	name := "customers-" + time.Now().In(h.location(r)).Format("20060102-1504") + ".csv"
	h.download(w, r, "text/csv; charset=utf-8", name, "customers export", func(out io.Writer) error {
		return importer.Export(r.Context(), h.app.Store, identity(r).Policy, ids, h.lang(r), out)
	})
}
