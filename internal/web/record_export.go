package web

import (
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"touchbase/internal/record"
)

// exportTypes are the content types of the export formats.
var exportTypes = map[string]string{
	record.FormatCSV:  "text/csv; charset=utf-8",
	record.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// recordExport downloads every record the user may see that matches the
// records list's filters, as CSV or XLSX (by the path's extension),
// streamed a page of records at a time.
func (h *handler) recordExport(w http.ResponseWriter, r *http.Request) {
	format := strings.TrimPrefix(path.Ext(r.URL.Path), ".")
	ctype, ok := exportTypes[format]
	if !ok {
		h.notFound(w, r)
		return
	}
	loc := h.location(r)
	f := parseRecordFilter(r.URL.Query(), loc).Store
	name := "contact-records-" + time.Now().In(loc).Format("20060102-1504") + "." + format
	h.download(w, r, ctype, name, "records export", func(out io.Writer) error {
		return h.app.Records.Export(r.Context(), identity(r).Policy, f, format, h.lang(r), loc, out)
	})
}
