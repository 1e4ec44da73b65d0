package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/record"
)

// datetimeLocal is the value format of an <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// recordFormData is the data of the dialog (or page) adding a record by
// hand: a call, a visit, a WeChat conversation…
type recordFormData struct {
	base
	Customer *contact.CustomerView
	Contacts []*model.Contact
	Topics   []*model.Topic
	Channels []string
	Form     recordForm
	Errors   model.ValidationErrors
	Now      string      // the latest contacted-at time allowed, as datetime-local
	Plan     *model.Plan // the contact plan this record completes
}

// recordForm is what the rep typed.
type recordForm struct {
	ContactID   int64
	Channel     string
	ContactedAt string // datetime-local, in the user's time zone
	Title       string
	Summary     string
	TopicIDs    []int64
	PlanID      int64 // the contact plan the record completes
}

// Action is the URL the form posts to.
func (d recordFormData) Action() string {
	return "/customers/" + strconv.FormatInt(d.Customer.ID, 10) + "/records"
}

// readRecordForm reads the posted fields.
func readRecordForm(r *http.Request) recordForm {
	f := recordForm{Channel: r.PostFormValue("channel"), ContactedAt: strings.TrimSpace(r.PostFormValue("contacted_at")),
		Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), TopicIDs: formIDs(r, "topic_ids")}
	if id := formID(r, "contact_id"); id != nil {
		f.ContactID = *id
	}
	if id := formID(r, "plan_id"); id != nil {
		f.PlanID = *id
	}
	return f
}

// input turns the form into a manual record; a time that does not parse
// is a field error.
func (f recordForm) input(loc *time.Location) (record.ManualInput, *model.FieldError) {
	in := record.ManualInput{Common: record.Common{ContactID: f.ContactID, Title: f.Title, TopicIDs: f.TopicIDs,
		Summary: f.Summary}, Channel: f.Channel}
	if f.PlanID != 0 {
		id := f.PlanID
		in.PlanID = &id
	}
	if f.ContactedAt == "" {
		return in, nil // the service says it is required
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, f.ContactedAt, loc); err == nil {
			in.ContactedAt = t
			return in, nil
		}
	}
	return in, model.NewFieldError("contacted_at", "invalid", "not a date and time")
}

// recordFormLoad loads the customer named by the path, which the user must
// be allowed to contact, with its contacts and the active topics.
func (h *handler) recordFormLoad(w http.ResponseWriter, r *http.Request) (recordFormData, error) {
	ctx, id := r.Context(), identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		return recordFormData{}, err
	}
	if !cv.Access.Contact {
		return recordFormData{}, model.ErrForbidden
	}
	loc := h.location(r)
	d := recordFormData{base: h.base(w, r, "customers", "manual.title"), Customer: cv, Channels: model.ManualChannels,
		Now: time.Now().In(loc).Format(datetimeLocal)}
	if d.Contacts, err = h.app.Contacts.Contacts(ctx, id.Policy, cv.ID); err != nil {
		return d, err
	}
	d.Topics, err = h.app.Admin.Topics(ctx, true)
	return d, err
}
