package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// bulkBody is a bulk send (批量联系) as the operator writes it: the content
// of the wizard's first step, when to send, and the recipients of its
// second step.
type bulkBody struct {
	Title        string                  `json:"title"`
	TopicIDs     []int64                 `json:"topic_ids"`
	Summary      string                  `json:"summary"`
	SMSText      string                  `json:"sms_text"`
	SMSTemplate  *int64                  `json:"sms_template_id"`
	SMSParams    map[string]string       `json:"sms_params"`
	Marketing    bool                    `json:"marketing"`
	EmailSubject string                  `json:"email_subject"`
	EmailBody    string                  `json:"email_body"`
	ScheduledAt  *string                 `json:"scheduled_at"` // RFC 3339; null or absent: now
	Recipients   *selectionBody          `json:"recipients"`
	WeComText    string                  `json:"wecom_text"`
	WeComAttach  []model.WeComAttachment `json:"wecom_attachments"`
}

// selectionBody chooses recipients among the contacts the caller may see:
// ticked contacts, or every contact matching the filter fields minus
// exclude_ids ("all 48,213 matching"). The server resolves it; a client
// never posts the ids of a filtered selection.
type selectionBody struct {
	ContactIDs []int64 `json:"contact_ids"`
	Query      string  `json:"q"`
	Level      string  `json:"level"`
	Industry   string  `json:"industry"`
	TeamID     *int64  `json:"team_id"`
	RepID      *int64  `json:"rep_id"`
	TopicID    *int64  `json:"topic_id"`
	HasMobile  bool    `json:"has_mobile"`
	HasEmail   bool    `json:"has_email"`
	ExcludeIDs []int64 `json:"exclude_ids"`
}

// selection checks the body and returns the storage selection.
func (b *selectionBody) selection(errs *model.ValidationErrors) storage.RecipientSelection {
	if b == nil {
		errs.Add("recipients", "required", "recipients is required: tick contacts (contact_ids) or give a filter ({} is everyone you can see)")
		return storage.RecipientSelection{}
	}
	sel := storage.RecipientSelection{ContactIDs: b.ContactIDs, Query: b.Query, Level: b.Level, Industry: b.Industry,
		HasMobile: b.HasMobile, HasEmail: b.HasEmail, ExcludeIDs: b.ExcludeIDs}
	ids := func(field string, list []int64) {
		for _, id := range list {
			if id <= 0 {
				errs.Add(field, "invalid", field+" must hold positive integers")
				return
			}
		}
	}
	if b.ContactIDs != nil {
		filtered := b.Query != "" || b.Level != "" || b.Industry != "" || b.TeamID != nil || b.RepID != nil ||
			b.TopicID != nil || b.HasMobile || b.HasEmail || len(b.ExcludeIDs) > 0
		switch {
		case len(b.ContactIDs) == 0:
			errs.Add("recipients.contact_ids", "empty", "tick at least one contact, or leave contact_ids out to select by filter")
		case filtered:
			errs.Add("recipients.contact_ids", "conflicting", "give either ticked contact_ids or filter fields, not both")
		}
	}
	ids("recipients.contact_ids", b.ContactIDs)
	ids("recipients.exclude_ids", b.ExcludeIDs)
	if len(b.ContactIDs) > bulk.MaxTicked {
		errs.Add("recipients.contact_ids", "too_many", "tick at most 5000 contacts; use a filter for more")
	}
	if len(b.ExcludeIDs) > bulk.MaxTicked {
		errs.Add("recipients.exclude_ids", "too_many", "exclude at most 5000 contacts; narrow the filter instead")
	}
	errs.Text("recipients.q", b.Query, false, 200)
	errs.Text("recipients.level", b.Level, false, 32)
	errs.Text("recipients.industry", b.Industry, false, 100)
	for _, p := range []struct {
		field string
		v     *int64
		dst   *int64
	}{{"recipients.team_id", b.TeamID, &sel.TeamID}, {"recipients.rep_id", b.RepID, &sel.RepID},
		{"recipients.topic_id", b.TopicID, &sel.TopicID}} {
		if p.v == nil {
			continue
		}
		if *p.v <= 0 {
			errs.Add(p.field, "invalid", p.field+" must be a positive integer")
			continue
		}
		*p.dst = *p.v
	}
	return sel
}

// input checks what only the API can get wrong and returns the service's
// input; the service checks the rest.
func (b bulkBody) input() (bulk.Input, error) {
	var errs model.ValidationErrors
	in := bulk.Input{Title: b.Title, Summary: b.Summary, SMSText: b.SMSText, SMSTemplateID: b.SMSTemplate,
		SMSParams: b.SMSParams, Marketing: b.Marketing, EmailSubject: b.EmailSubject, EmailBody: b.EmailBody,
		WeComText: b.WeComText, WeComAttachments: b.WeComAttach}
	in.Recipients = b.Recipients.selection(&errs)
	if len(b.TopicIDs) > maxTopics {
		errs.Add("topic_ids", "too_many", "at most 100 topics")
	} else {
		in.TopicIDs = distinct(b.TopicIDs)
	}
	if b.ScheduledAt != nil {
		t, err := time.Parse(time.RFC3339Nano, *b.ScheduledAt)
		if err != nil {
			errs.Add("scheduled_at", "invalid", "scheduled_at must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00, or null for now")
		} else {
			in.ScheduledAt = &t
		}
	}
	return in, errs.Err()
}

// distinct returns ids without repeats, in their first order.
func distinct(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// bulkSend is a bulk send as answered: its selection as an object and the
// channels it uses.
type bulkSend struct {
	*model.BulkSend
	Selection json.RawMessage `json:"selection"`
	Channels  []string        `json:"channels"`
}

func bulkOut(b *model.BulkSend) bulkSend {
	out := bulkSend{BulkSend: b, Selection: json.RawMessage(b.Selection), Channels: b.Channels()}
	if !json.Valid(out.Selection) {
		out.Selection = json.RawMessage(`{}`)
	}
	if out.Channels == nil {
		out.Channels = []string{}
	}
	if b.TopicIDs == nil {
		b.TopicIDs = []int64{}
	}
	if b.WeComAttachments == nil {
		b.WeComAttachments = []model.WeComAttachment{}
	}
	return out
}

// bulkPage is one page of bulk sends, newest first; next_before_id asks
// for the following page and is null when this page was not full.
type bulkPage struct {
	Items        []bulkSend `json:"items"`
	NextBeforeID *int64     `json:"next_before_id"`
}

// createBulkSend accepts a bulk send: when it answers 201, the send and
// every recipient row are stored, and the send is queued for its time.
func (h *handler) createBulkSend(w http.ResponseWriter, r *http.Request) {
	var body bulkBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := body.input()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.app.Bulk.Create(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if now, err := h.app.Bulk.Get(r.Context(), policy(r), b.ID); err == nil {
		b = now // as it stands, topics included
	}
	w.Header().Set("Location", Prefix+"/bulk-sends/"+strconv.FormatInt(b.ID, 10))
	writeJSON(w, http.StatusCreated, bulkOut(b))
}

// listBulkSends lists the bulk sends the caller may see (their own; their
// team's when they manage it; all for admins), newest first.
func (h *handler) listBulkSends(w http.ResponseWriter, r *http.Request) {
	before, err := queryID(r, "before_id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Bulk.ListWithTopics(r.Context(), policy(r), before, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := bulkPage{Items: make([]bulkSend, len(items))}
	for i, b := range items {
		out.Items[i] = bulkOut(b)
	}
	if len(items) == limit {
		next := items[len(items)-1].ID
		out.NextBeforeID = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// getBulkSend returns one bulk send with its counts.
func (h *handler) getBulkSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.app.Bulk.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulkOut(b))
}
