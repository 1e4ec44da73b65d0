package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// The wizard's steps, in order.
const (
	stepContent    = "content"
	stepRecipients = "recipients"
	stepReview     = "review"
)

var bulkSteps = []string{stepContent, stepRecipients, stepReview}

// Recipient selection modes: contacts ticked one by one, or every contact
// matching the filter (the filter is sent, never the ids).
const (
	pickTicked = "ticked"
	pickAll    = "all"
)

// scheduleLayout is the value format of a datetime-local input; browsers
// add seconds when they are set.
const (
	scheduleLayout        = "2006-01-02T15:04"
	scheduleLayoutSeconds = "2006-01-02T15:04:05"
)

// bulkForm is everything the wizard's three steps hold. All of it travels
// in the one form of the wizard, so moving between steps (with its buttons
// or the browser's back and forward) never loses what was typed or ticked.
type bulkForm struct {
	Step string
	// Content
	Title        string
	Summary      string
	TopicIDs     []int64
	Channels     []string
	SMSText      string
	EmailSubject string
	EmailBody    string
	SMSChoice    smsChoice // on a template SMS channel
	// WeCom: the text, and an optional link card and picture.
	WeComText      string
	WeComLinkTitle string
	WeComLinkURL   string
	WeComImageURL  string
	When           string // "now" or "later"
	ScheduledAt    string // datetime-local in the user's time zone
	// Recipients
	Filter bulkFilter
	Mode   string // pickTicked or pickAll
	Ticked []int64
	Page   int
}

// bulkFilter is the recipient picker's filter.
type bulkFilter struct {
	Q         string
	Level     string
	Industry  string
	TeamID    int64
	RepID     int64
	TopicID   int64
	HasMobile bool
	HasEmail  bool
}

// readBulkForm reads the wizard. The ticked contacts are those ticked on
// other pages (the "ticked" list less the rows shown with the form) plus
// the rows ticked now, so unticking a row shown is kept too.
func readBulkForm(r *http.Request) bulkForm {
	r.ParseForm() //nolint:errcheck // a malformed body reads as empty
	f := bulkForm{Step: r.FormValue("step"), Title: r.FormValue("title"), Summary: r.FormValue("summary"),
		TopicIDs: formIDs(r, "topic_ids"), Channels: formValues(r, "channels"), SMSText: r.FormValue("sms_text"),
		EmailSubject: r.FormValue("email_subject"), EmailBody: r.FormValue("email_body"), SMSChoice: readSMSChoice(r), When: r.FormValue("when"),
		WeComText: r.FormValue("wecom_text"), WeComLinkTitle: strings.TrimSpace(r.FormValue("wecom_link_title")),
		WeComLinkURL: strings.TrimSpace(r.FormValue("wecom_link_url")), WeComImageURL: strings.TrimSpace(r.FormValue("wecom_image_url")),
		ScheduledAt: strings.TrimSpace(r.FormValue("scheduled_at")), Mode: r.FormValue("mode"), Page: formInt(r, "page", 1)}
	if !slices.Contains(bulkSteps, f.Step) {
		f.Step = stepContent
	}
	if f.When != "later" {
		f.When = "now"
	}
	if f.Mode != pickAll {
		f.Mode = pickTicked
	}
	f.Page = max(f.Page, 1)
	f.Filter = bulkFilter{Q: searchText(r.FormValue("q")), Level: searchText(r.FormValue("level")),
		Industry: searchText(r.FormValue("industry")),
		TeamID:   formInt64(r, "team"), RepID: formInt64(r, "rep"), TopicID: formInt64(r, "topic"),
		HasMobile: formBool(r, "has_mobile"), HasEmail: formBool(r, "has_email")}
	shown := idList(r.FormValue("shown"))
	for _, id := range idList(r.FormValue("ticked")) {
		if !slices.Contains(shown, id) {
			f.Ticked = append(f.Ticked, id)
		}
	}
	for _, id := range formIDs(r, "tick") {
		if !slices.Contains(f.Ticked, id) {
			f.Ticked = append(f.Ticked, id)
		}
	}
	return f
}

// formInt64 reads an optional id field: 0 when empty or invalid.
func formInt64(r *http.Request, name string) int64 {
	if id := formID(r, name); id != nil {
		return *id
	}
	return 0
}

// idList parses "1,2,3", skipping invalid ids and duplicates.
func idList(s string) []int64 {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err == nil && id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// joinIDs writes ids as "1,2,3".
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// selection is the filter as a recipient selection.
func (f bulkFilter) selection() storage.RecipientSelection {
	return storage.RecipientSelection{Query: f.Q, Level: f.Level, Industry: f.Industry, TeamID: f.TeamID, RepID: f.RepID,
		TopicID: f.TopicID, HasMobile: f.HasMobile, HasEmail: f.HasEmail}
}

// Active reports whether any filter is set.
func (f bulkFilter) Active() bool { return f != bulkFilter{} }

// selection is who the send goes to: the ticked contacts, or everyone
// matching the filter. It is empty (ok false) when nothing is chosen:
// an empty list of ids must never mean "everyone".
func (f bulkForm) selection() (storage.RecipientSelection, bool) {
	if f.Mode == pickAll {
		return f.Filter.selection(), true
	}
	if len(f.Ticked) == 0 {
		return storage.RecipientSelection{}, false
	}
	return storage.RecipientSelection{ContactIDs: f.Ticked}, true
}

// Checked reports whether a channel is ticked.
func (f bulkForm) Checked(kind string) bool { return slices.Contains(f.Channels, kind) }

// channels lists the ticked channels that have content.
func (f bulkForm) channels() []string {
	var out []string
	if f.Checked(model.ChannelSMS) && (f.SMSText != "" || f.SMSChoice.TemplateID != 0) {
		out = append(out, model.ChannelSMS)
	}
	if f.Checked(model.ChannelEmail) && (f.EmailSubject != "" || f.EmailBody != "") {
		out = append(out, model.ChannelEmail)
	}
	if f.Checked(model.ChannelWeCom) && (f.WeComText != "" || len(f.weComAttachments()) > 0) {
		out = append(out, model.ChannelWeCom)
	}
	return out
}

// weComAttachments are the link card and picture the form holds.
func (f bulkForm) weComAttachments() []model.WeComAttachment {
	var out []model.WeComAttachment
	if f.WeComLinkURL != "" || f.WeComLinkTitle != "" {
		out = append(out, model.WeComAttachment{Kind: model.WeComLink, Title: f.WeComLinkTitle, URL: f.WeComLinkURL})
	}
	if f.WeComImageURL != "" {
		out = append(out, model.WeComAttachment{Kind: model.WeComImage, URL: f.WeComImageURL})
	}
	return out
}

// content turns the content step into a bulk send (without recipients):
// the text (on a template SMS channel, the template) of ticked channels
// only, the schedule read in loc. The errors
// are those the bulk service cannot see: a ticked channel left empty, a
// schedule that is not a time.
func (f bulkForm) content(loc *time.Location, templated bool) (bulk.Input, model.ValidationErrors) {
	var errs model.ValidationErrors
	in := bulk.Input{Title: f.Title, TopicIDs: f.TopicIDs, Summary: f.Summary}
	if f.Checked(model.ChannelSMS) {
		c := f.SMSChoice
		in.SMSTemplateID, in.SMSParams, in.Marketing = c.templateID(), c.Params, c.Marketing
		switch {
		case in.SMSTemplateID != nil:
		case templated:
			errs.Add("sms_template_id", "template_required", "choose an approved template")
		case strings.TrimSpace(f.SMSText) == "":
			errs.Add("sms_text", "required", "write the SMS")
		default:
			in.SMSText = f.SMSText
		}
	}
	if f.Checked(model.ChannelEmail) {
		in.EmailSubject, in.EmailBody = f.EmailSubject, f.EmailBody
		if strings.TrimSpace(f.EmailSubject) == "" && strings.TrimSpace(f.EmailBody) == "" {
			errs.Add("email_subject", "required", "write the e-mail's subject")
			errs.Add("email_body", "required", "write the e-mail")
		}
	}
	if f.Checked(model.ChannelWeCom) {
		in.WeComText, in.WeComAttachments = f.WeComText, f.weComAttachments()
		if strings.TrimSpace(f.WeComText) == "" && len(in.WeComAttachments) == 0 {
			errs.Add("wecom_text", "required", "write the WeCom message")
		}
	}
	if f.When == "later" {
		t, err := time.ParseInLocation(scheduleLayout, f.ScheduledAt, loc)
		if err != nil {
			t, err = time.ParseInLocation(scheduleLayoutSeconds, f.ScheduledAt, loc)
		}
		switch {
		case f.ScheduledAt == "":
			errs.Add("scheduled_at", "required", "choose when to send")
		case err != nil:
			errs.Add("scheduled_at", "invalid", "not a date and time")
		default:
			in.ScheduledAt = &t
		}
	}
	return in, errs
}

// checkBulk validates the wizard as the bulk service will: the form's own
// checks, then the service's. It returns the send to create, with its
// recipients, and every field error; chosen is false when no contact is
// selected at all.
func (h *handler) checkBulk(r *http.Request, f bulkForm, loc *time.Location) (in bulk.Input, errs model.ValidationErrors, chosen bool, err error) {
	_, templated, err := h.app.SMSTemplates.Provider(r.Context())
	if err != nil {
		return in, nil, false, err
	}
	in, errs = f.content(loc, templated)
	in.Recipients, chosen = f.selection()
	if err := h.app.Bulk.Check(r.Context(), in); err != nil {
		ve, ok := model.AsValidation(err)
		if !ok {
			return in, nil, chosen, err
		}
		for _, e := range ve {
			// A ticked channel left empty already says what is missing.
			if e.Field == "channels" && len(f.Channels) > 0 && len(errs) > 0 {
				continue
			}
			e.Field = f.formField(e.Field)
			if errs.For(e.Field) == nil {
				errs = append(errs, e)
			}
		}
	}
	return in, errs, chosen, nil
}

// formField is the wizard's name of a field the bulk service names: the
// attachments are the form's link card and picture.
func (f bulkForm) formField(field string) string {
	rest, ok := strings.CutPrefix(field, "wecom_attachments[")
	if !ok {
		return field
	}
	i, sub, _ := strings.Cut(rest, "]")
	n, err := strconv.Atoi(i)
	atts := f.weComAttachments()
	switch {
	case err != nil || n < 0 || n >= len(atts):
		return "wecom_text"
	case atts[n].Kind == model.WeComImage:
		return "wecom_image_url"
	case sub == ".title":
		return "wecom_link_title"
	}
	return "wecom_link_url"
}

// stepOf is the wizard step where a field is entered.
func stepOf(field string) string {
	if field == "recipients" || strings.HasPrefix(field, "recipients.") {
		return stepRecipients
	}
	return stepContent
}
