package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/record"
	"touchbase/internal/storage"
)

// Values the records filters accept.
var (
	recordChannels = []string{model.ChannelSMS, model.ChannelEmail, model.ChannelPhone, model.ChannelVisit,
		model.ChannelWeChat, model.ChannelWeCom, model.ChannelOther}
	recordStatuses = []string{model.RecordDone, model.RecordSent, model.RecordDelivered, model.RecordUndelivered, model.RecordNoReceipt}
)

// recordPage is one page of records, newest first, and the cursor of the
// next page (null on the last).
type recordPage struct {
	Items      []*model.Record `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

// manualBody is a contact recorded by hand.
type manualBody struct {
	ContactID   int64   `json:"contact_id"`
	Channel     string  `json:"channel"`
	ContactedAt string  `json:"contacted_at"`
	Title       string  `json:"title"`
	TopicIDs    []int64 `json:"topic_ids"`
	Summary     string  `json:"summary"`
	PlanID      *int64  `json:"plan_id"`
}

// queryEnum returns an optional query parameter that must be one of values.
func queryEnum(r *http.Request, name string, values []string) (string, error) {
	s := r.URL.Query().Get(name)
	if s != "" && !slices.Contains(values, s) {
		return "", newBadRequest("invalid_parameter", name, name+" must be one of "+strings.Join(values, ", "))
	}
	return s, nil
}

// queryTime parses an optional RFC 3339 query parameter. A space stands
// for "+", which an unencoded offset turns into.
func queryTime(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(s, " ", "+"))
	if err != nil {
		return time.Time{}, newBadRequest("invalid_parameter", name, name+" must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00")
	}
	return t, nil
}

// recordFilter reads the filters shared by the records list, the customer
// timeline and the export.
func recordFilter(r *http.Request) (storage.RecordFilter, error) {
	var f storage.RecordFilter
	var err error
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"customer_id", &f.CustomerID}, {"contact_id", &f.ContactID}, {"user_id", &f.UserID}, {"team_id", &f.TeamID},
		{"topic_id", &f.TopicID}} {
		if *p.dst, err = queryID(r, p.name); err != nil {
			return f, err
		}
	}
	if f.Channel, err = queryEnum(r, "channel", recordChannels); err != nil {
		return f, err
	}
	if f.Source, err = queryEnum(r, "source", model.Sources); err != nil {
		return f, err
	}
	if f.Status, err = queryEnum(r, "status", recordStatuses); err != nil {
		return f, err
	}
	if f.Direction, err = queryEnum(r, "direction", model.Directions); err != nil {
		return f, err
	}
	if f.From, err = queryTime(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return f, newBadRequest("invalid_parameter", "to", "to must be later than from")
	}
	if f.Query, err = queryText(r, "q"); err != nil {
		return f, err
	}
	return f, nil
}

// pageFilter adds limit and cursor to the filters.
func pageFilter(r *http.Request, f *storage.RecordFilter) error {
	var err error
	if f.Limit, err = queryInt(r, "limit", 50, 1, 500); err != nil {
		return err
	}
	if s := r.URL.Query().Get("cursor"); s != "" {
		if f.After, err = storage.ParseRecordCursor(s); err != nil {
			return newBadRequest("invalid_parameter", "cursor", "cursor must be a next_cursor of an earlier page")
		}
	}
	return nil
}

// writeRecordPage lists one page of the records matching f.
func (h *handler) writeRecordPage(w http.ResponseWriter, r *http.Request, f storage.RecordFilter) {
	items, next, err := h.app.Records.List(r.Context(), policy(r), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := recordPage{Items: items}
	if out.Items == nil {
		out.Items = []*model.Record{}
	}
	if next != nil {
		c := next.String()
		out.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, out)
}

// listRecords lists the records of every customer the caller may see.
func (h *handler) listRecords(w http.ResponseWriter, r *http.Request) {
	f, err := recordFilter(r)
	if err == nil {
		err = pageFilter(r, &f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeRecordPage(w, r, f)
}

// customerRecords is a customer's contact timeline.
func (h *handler) customerRecords(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.app.Contacts.Customer(r.Context(), policy(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := recordFilter(r)
	if err == nil {
		err = pageFilter(r, &f)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.CustomerID = id
	h.writeRecordPage(w, r, f)
}

// getRecord returns one record of a visible customer.
func (h *handler) getRecord(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondRecord(w, r, http.StatusOK, id)
}

// respondRecord answers with the record id as the caller now sees it.
func (h *handler) respondRecord(w http.ResponseWriter, r *http.Request, status int, id int64) {
	rec, err := h.app.Records.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/records/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, rec)
}

// createRecord records by hand a contact that happened outside Touchbase.
func (h *handler) createRecord(w http.ResponseWriter, r *http.Request) {
	var body manualBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	in := record.ManualInput{Common: record.Common{ContactID: body.ContactID, Title: body.Title, TopicIDs: body.TopicIDs,
		Summary: body.Summary, PlanID: body.PlanID}, Channel: body.Channel}
	if body.ContactedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, body.ContactedAt)
		if err != nil {
			h.fail(w, r, model.NewFieldError("contacted_at", "invalid", "contacted_at must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00"))
			return
		}
		in.ContactedAt = t
	}
	if err := checkCommon(body.TopicIDs, body.PlanID); err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.app.Records.AddManual(r.Context(), policy(r), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondRecord(w, r, http.StatusCreated, rec.ID)
}
