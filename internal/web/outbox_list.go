package web

import (
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// outboxPerPage is the page size of the outbox.
const outboxPerPage = 50

// outboxData is the data of the outbox page.
type outboxData struct {
	base
	Messages []*model.OutboxMessage
	Kind     string
	To       string
	Query    listQuery
	Older    string // link to older messages, "" at the end
	Newest   string // link to the newest messages when paged
	Filtered bool
}

// outboxList shows the messages the built-in outbox channel kept instead
// of sending, newest first, by kind and recipient, with their bodies.
func (h *handler) outboxList(w http.ResponseWriter, r *http.Request) {
	in := r.URL.Query()
	d := outboxData{base: h.base(w, r, "outbox", "outbox.title"), To: searchText(in.Get("to"))}
	f := storage.OutboxFilter{Limit: outboxPerPage + 1, To: outboxAddress(d.To, h.region(r.Context()))}
	if k := in.Get("kind"); k == string(channel.KindSMS) || k == string(channel.KindEmail) {
		d.Kind, f.Kind = k, k
	}
	if id, err := strconv.ParseInt(in.Get("before"), 10, 64); err == nil && id > 0 {
		f.BeforeID = id
	}
	msgs, err := h.app.Store.ListOutbox(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Query = listQuery{path: "/outbox", values: cleanQuery(in, "kind", "to")}
	d.Filtered = d.Kind != "" || d.To != ""
	if len(msgs) > outboxPerPage {
		msgs = msgs[:outboxPerPage]
		d.Older = d.Query.With("before", strconv.FormatInt(msgs[len(msgs)-1].ID, 10))
	}
	if f.BeforeID != 0 {
		d.Newest = d.Query.With("before", "")
	}
	d.Messages = msgs
	h.render(w, r, http.StatusOK, "outbox.html", d)
}

// outboxAddress writes a recipient as the outbox stores it: a mobile
// number in E.164, an e-mail address with a lower-case domain.
func outboxAddress(to, region string) string {
	if to == "" {
		return ""
	}
	if strings.Contains(to, "@") {
		if e, err := contact.NormalizeEmail(to); err == nil {
			return e
		}
		return to
	}
	if m, err := contact.NormalizeMobile(to, region); err == nil {
		return m
	}
	return to
}
