package web

import (
	"mime"
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
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	cw := &countingWriter{w: w}
	err := h.app.Records.Export(r.Context(), identity(r).Policy, f, format, h.lang(r), loc, cw)
	if err == nil {
		return
	}
	if cw.n == 0 {
		for _, k := range []string{"Content-Type", "Content-Disposition"} {
			hdr.Del(k)
		}
		h.fail(w, r, err)
		return
	}
	// Too late for an error page: the download ends short.
	h.app.Log.Error("records export", "format", format, "err", err)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
