package web

import (
	"mime"
	"net/http"
	"slices"
	"strconv"

	"touchbase/internal/storage"
)

// bulkExport downloads a bulk send's drill-down — the recipients of the
// status and channel asked for — as CSV, the same file the API exports
// (UTF-8 with a byte-order mark, reasons in the user's language), streamed
// a page at a time.
func (h *handler) bulkExport(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), identity(r)
	bid, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	b, err := h.app.Bulk.Get(ctx, id.Policy, bid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := r.URL.Query()
	var f storage.RecipientFilter
	if s := in.Get("status"); slices.Contains(drillStatuses, s) {
		f.Status = s
	}
	if ch := in.Get("channel"); slices.Contains(b.Channels(), ch) {
		f.Channel = ch
	}
	name := "bulk-" + strconv.FormatInt(b.ID, 10)
	if f.Status != "" {
		name += "-" + f.Status
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".csv"}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	cw := &countingWriter{w: w}
	err = h.app.Bulk.ExportRecipients(ctx, id.Policy, b.ID, f, h.lang(r), h.location(r), cw)
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
	h.app.Log.Error("bulk export", "bulk_send", b.ID, "err", err)
}
