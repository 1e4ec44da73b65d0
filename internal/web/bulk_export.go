package web

import (
	"io"
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
	h.download(w, r, "text/csv; charset=utf-8", name+".csv", "bulk export", func(out io.Writer) error {
		return h.app.Bulk.ExportRecipients(ctx, id.Policy, b.ID, f, h.lang(r), h.location(r), out)
	})
}
