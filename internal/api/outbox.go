package api

import (
	"net/http"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// outboxPage is one page of outbox messages, newest first. next_before_id
// asks for the following page; it is null when this page was not full.
type outboxPage struct {
	Items        []*model.OutboxMessage `json:"items"`
	NextBeforeID *int64                 `json:"next_before_id"`
}

// listOutbox lists the messages the outbox channel kept instead of
// sending. Admins only: the outbox holds messages to every customer.
func (h *handler) listOutbox(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	var f storage.OutboxFilter
	var err error
	kinds := []string{string(channel.KindSMS), string(channel.KindEmail), string(channel.KindWeCom), string(channel.KindCall)}
	if f.Kind, err = queryEnum(r, "kind", kinds); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.To, err = queryText(r, "to"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.BeforeID, err = queryID(r, "before_id"); err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Limit, err = queryInt(r, "limit", 50, 1, 500); err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Channels.Outbox(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := outboxPage{Items: items}
	if out.Items == nil {
		out.Items = []*model.OutboxMessage{}
	}
	if len(items) == f.Limit {
		next := items[len(items)-1].ID
		out.NextBeforeID = &next
	}
	writeJSON(w, http.StatusOK, out)
}
