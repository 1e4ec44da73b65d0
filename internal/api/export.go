package api

import (
	"bufio"
	"net/http"
	"time"

	"touchbase/internal/record"
)

// Media types of the records export.
const (
	mediaCSV  = "text/csv; charset=utf-8"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// exportBuffer is how much of an export is held before the first bytes go
// out: an error before then still gets a proper JSON answer.
const exportBuffer = 64 << 10

// lazyHeaders sets the download headers only when the first bytes of the
// file are written, so an export that fails early can still answer with an
// error instead of a 200.
type lazyHeaders struct {
	w       http.ResponseWriter
	headers map[string]string
	started bool
}

func (l *lazyHeaders) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		for k, v := range l.headers {
			l.w.Header().Set(k, v)
		}
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// exportRecords streams every record matching the filters that the caller
// may see as CSV (UTF-8 with a BOM) or XLSX, with headers in the caller's
// language and times in their time zone. A failure after the first bytes
// were sent aborts the connection, so a cut file is never taken for a
// whole one.
func (h *handler) exportRecords(w http.ResponseWriter, r *http.Request) {
	format, err := queryEnum(r, "format", []string{record.FormatCSV, record.FormatXLSX})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if format == "" {
		h.fail(w, r, newBadRequest("invalid_parameter", "format", "format is required: csv or xlsx"))
		return
	}
	f, err := recordFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := time.UTC
	if tz := identity(r).User.Timezone; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	media := mediaCSV
	if format == record.FormatXLSX {
		media = mediaXLSX
	}
	name := "records-" + time.Now().In(loc).Format("20060102-150405") + "." + format
	out := &lazyHeaders{w: w, headers: map[string]string{
		"Content-Type":        media,
		"Content-Disposition": `attachment; filename="` + name + `"`,
	}}
	buf := bufio.NewWriterSize(out, exportBuffer)
	err = h.app.Records.Export(r.Context(), policy(r), f, format, language(r), loc, buf)
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		return
	}
	if !out.started {
		h.fail(w, r, err)
		return
	}
	if r.Context().Err() == nil { // not merely the client going away
		h.log.Error("records export failed midway", "err", err)
	}
	panic(http.ErrAbortHandler)
}
