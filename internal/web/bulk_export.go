package web

import (
	"encoding/csv"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// bulkExportPage is how many recipients the export reads at a time.
const bulkExportPage = 1000

// bulkExport downloads a bulk send's drill-down — the recipients of the
// status and channel asked for — as CSV (UTF-8 with a byte-order mark, so
// spreadsheet programs read Chinese right), streamed a page at a time.
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
	f := storage.RecipientFilter{Limit: bulkExportPage}
	if s := in.Get("status"); slices.Contains(drillStatuses, s) {
		f.Status = s
	}
	if ch := in.Get("channel"); slices.Contains(b.Channels(), ch) {
		f.Channel = ch
	}
	lang, loc := h.lang(r), h.location(r)
	name := "bulk-" + strconv.FormatInt(b.ID, 10)
	if f.Status != "" {
		name += "-" + f.Status
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".csv"}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, "\uFEFF") //nolint:errcheck
	cw := csv.NewWriter(w)
	cw.Write([]string{i18n.T(lang, "bulk.col_contact"), i18n.T(lang, "bulk.col_customer"), i18n.T(lang, "bulk.col_channel"), //nolint:errcheck
		i18n.T(lang, "bulk.col_address"), i18n.T(lang, "bulk.col_status"), i18n.T(lang, "bulk.col_reason"),
		i18n.T(lang, "bulk.col_detail"), i18n.T(lang, "bulk.col_attempts"), i18n.T(lang, "bulk.col_time"),
		i18n.T(lang, "bulk.col_record")})
	for {
		rows, err := h.app.Bulk.Recipients(ctx, id.Policy, b.ID, f)
		if err != nil {
			// Too late for an error page: the download ends short.
			h.app.Log.Error("bulk export", "bulk_send", b.ID, "err", err)
			return
		}
		for _, rc := range rows {
			cw.Write(exportRecipient(rc, lang, loc)) //nolint:errcheck
		}
		cw.Flush()
		if cw.Error() != nil || len(rows) < f.Limit {
			return
		}
		f.AfterID = rows[len(rows)-1].ID
	}
}

// exportRecipient is one row of the drill-down's CSV.
func exportRecipient(rc *model.BulkRecipient, lang string, loc *time.Location) []string {
	rec := ""
	if rc.RecordID != nil {
		rec = strconv.FormatInt(*rc.RecordID, 10)
	}
	reason := ""
	if rc.Reason != "" {
		reason = bulkReasonText(lang, rc.Channel, rc.Reason)
	}
	return []string{rc.ContactName, rc.CustomerName, i18n.T(lang, "medium."+rc.Channel), rc.Address,
		i18n.T(lang, "rcpt."+rc.Status), reason, rc.Detail, strconv.Itoa(rc.Attempts),
		rc.UpdatedAt.In(loc).Format("2006-01-02 15:04:05"), rec}
}
