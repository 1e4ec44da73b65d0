package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// bulkPerPage is the page size of the bulk contact records.
const bulkPerPage = 30

// bulkListData is the data of the bulk contact records (批量联系记录).
type bulkListData struct {
	base
	Sends  []*model.BulkSend
	Older  string // link to older sends, "" at the end
	Newest string // link back to the newest, "" on the first page
	Live   bool   // a send on the page is scheduled or running: refresh
	Self   string // this page, which refreshes itself while Live
}

// bulkList shows the bulk sends the user may see (their own, their team's
// when they manage it, all for admins), newest first, paged by id. While
// one is under way the results refresh themselves.
func (h *handler) bulkList(w http.ResponseWriter, r *http.Request) {
	d := bulkListData{base: h.base(w, r, "bulk", "bulk.records"), Self: r.URL.RequestURI()}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	sends, err := h.app.Bulk.List(r.Context(), identity(r).Policy, max(before, 0), bulkPerPage+1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(sends) > bulkPerPage {
		sends = sends[:bulkPerPage]
		d.Older = "/bulk?before=" + strconv.FormatInt(sends[len(sends)-1].ID, 10)
	}
	if before > 0 {
		d.Newest = "/bulk"
	}
	d.Sends = sends
	for _, b := range sends {
		d.Live = d.Live || isLive(b)
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "bulk-results" {
		h.fragment(w, r, http.StatusOK, "bulk_results", d)
		return
	}
	h.render(w, r, http.StatusOK, "bulk_list.html", d)
}

// isLive reports whether a send is still to deliver.
func isLive(b *model.BulkSend) bool {
	return b.Status == model.BulkScheduled || b.Status == model.BulkRunning || b.Status == model.BulkPaused ||
		b.Status == model.BulkAwaitingApproval
}
