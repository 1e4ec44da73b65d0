package api

import (
	"bufio"
	"net/http"
	"strconv"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// recipientStatuses are the statuses the drill-down filters by; pending
// includes the rows being sent.
var recipientStatuses = []string{model.RecipientPending, model.RecipientSending, model.RecipientSent,
	model.RecipientFailed, model.RecipientSkipped}

// recipientFilters are what the drill-down's status accepts: a status, or
// the pending held for quiet hours, or a delivery state of the sent
// recipients.
var recipientFilters = append(append([]string(nil), recipientStatuses...), model.RecipientHeld, model.RecipientAwaiting, model.DeliveryDelivered,
	model.DeliveryUndelivered, model.DeliveryNoReceipt, model.DeliveryAwaiting)

// bulkRecipient is one recipient with its reason in the caller's language.
type bulkRecipient struct {
	*model.BulkRecipient
	ReasonText string `json:"reason_text"`
}

// recipientPage is one page of recipients by id; next_after_id asks for
// the following page and is null when this page was not full.
type recipientPage struct {
	Items       []bulkRecipient `json:"items"`
	NextAfterID *int64          `json:"next_after_id"`
}

// recipientFilter reads status and channel.
func recipientFilter(r *http.Request) (storage.RecipientFilter, error) {
	var f storage.RecipientFilter
	var err error
	if f.Status, err = queryEnum(r, "status", recipientFilters); err != nil {
		return f, err
	}
	f.Channel, err = queryEnum(r, "channel", []string{model.ChannelSMS, model.ChannelEmail})
	return f, err
}

// bulkRecipients drills down into a bulk send's recipients: those behind
// one of its counts, with the reason of each failure or skip, its
// attempts and the record each reached recipient produced.
func (h *handler) bulkRecipients(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := recipientFilter(r)
	if err == nil {
		f.AfterID, err = queryID(r, "after_id")
	}
	if err == nil {
		f.Limit, err = queryInt(r, "limit", 100, 1, 1000)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Bulk.Recipients(r.Context(), policy(r), id, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := language(r)
	out := recipientPage{Items: make([]bulkRecipient, len(items))}
	for i, it := range items {
		out.Items[i] = bulkRecipient{BulkRecipient: it, ReasonText: bulk.ReasonText(it.Reason, lang)}
	}
	if len(items) == f.Limit {
		next := items[len(items)-1].ID
		out.NextAfterID = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// exportBulkRecipients streams the recipients matching status and channel
// as CSV (UTF-8 with BOM), headers and reasons in the caller's language,
// times in their time zone. A failure after the first bytes aborts the
// connection, so a cut file is never taken for a whole one.
func (h *handler) exportBulkRecipients(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := recipientFilter(r)
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
	name := "bulk-" + strconv.FormatInt(id, 10) + "-recipients"
	if f.Status != "" {
		name += "-" + f.Status
	}
	if f.Channel != "" {
		name += "-" + f.Channel
	}
	out := &lazyHeaders{w: w, headers: map[string]string{
		"Content-Type":        mediaCSV,
		"Content-Disposition": `attachment; filename="` + name + `.csv"`,
	}}
	buf := bufio.NewWriterSize(out, exportBuffer)
	err = h.app.Bulk.ExportRecipients(r.Context(), policy(r), id, f, language(r), loc, buf)
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
	if r.Context().Err() == nil {
		h.log.Error("bulk recipients export failed midway", "bulk_send", id, "err", err)
	}
	panic(http.ErrAbortHandler)
}
