package api

import (
	"net/http"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/record"
)

// maxTopics is the most topics one record may carry.
const maxTopics = 100

// singleBody is a single contact (单个联系) of the contact in the path: the
// record's fields and the content of each channel used. An absent (or
// null) channel is not used.
type singleBody struct {
	Title    string     `json:"title"`
	TopicIDs []int64    `json:"topic_ids"`
	Summary  string     `json:"summary"`
	PlanID   *int64     `json:"plan_id"`
	SMS      *smsBody   `json:"sms"`
	Email    *emailBody `json:"email"`
	WeCom    *weComBody `json:"wecom"`
	// QuietOverride is the reason to send inside the recipient's quiet
	// hours, kept on the record.
	QuietOverride string `json:"quiet_hours_override"`
}

// smsBody is an SMS: its text with merge fields, or on a template
// channel the template and the values the rep fills.
type smsBody struct {
	Text       string            `json:"text"`
	TemplateID *int64            `json:"template_id"`
	Params     map[string]string `json:"params"`
	Marketing  bool              `json:"marketing"`
}

// emailBody is an e-mail's subject and plain-text body, with merge fields.
type emailBody struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// weComBody is a WeCom message from the caller's own WeCom: text with
// merge fields, and link or picture attachments.
type weComBody struct {
	Text        string                  `json:"text"`
	Attachments []model.WeComAttachment `json:"attachments"`
}

// input returns the service's input for contact contactID, or a 400 for
// what only the API can get wrong.
func (b singleBody) input(contactID int64) (record.SingleInput, error) {
	in := record.SingleInput{Common: record.Common{ContactID: contactID, Title: b.Title, TopicIDs: b.TopicIDs,
		Summary: b.Summary, PlanID: b.PlanID}, QuietOverride: b.QuietOverride}
	if err := checkCommon(b.TopicIDs, b.PlanID); err != nil {
		return in, err
	}
	if b.SMS != nil {
		in.SMS = &record.SMSContent{Text: b.SMS.Text, TemplateID: b.SMS.TemplateID, Params: b.SMS.Params, Marketing: b.SMS.Marketing}
	}
	if b.Email != nil {
		in.Email = &record.EmailContent{Subject: b.Email.Subject, Body: b.Email.Body}
	}
	if b.WeCom != nil {
		in.WeCom = &record.WeComContent{Text: b.WeCom.Text, Attachments: b.WeCom.Attachments}
	}
	return in, nil
}

// checkCommon bounds what the record service takes on trust.
func checkCommon(topicIDs []int64, planID *int64) error {
	var errs model.ValidationErrors
	if len(topicIDs) > maxTopics {
		errs.Add("topic_ids", "too_many", "at most 100 topics")
	}
	if planID != nil && *planID <= 0 {
		errs.Add("plan_id", "invalid", "plan_id must be a positive integer")
	}
	return errs.Err()
}

// channelResult is the outcome of one channel of a single contact.
type channelResult struct {
	Channel           string `json:"channel"`
	Status            string `json:"status"`
	Address           string `json:"address"`
	Provider          string `json:"provider"`
	ProviderMessageID string `json:"provider_message_id"`
	RecordID          *int64 `json:"record_id"`
	DeliveryID        int64  `json:"delivery_id"`
	Reason            string `json:"reason"`
	ReasonText        string `json:"reason_text"`
	Detail            string `json:"detail"`
	Transient         bool   `json:"transient"`
	// Deadline is when a WeCom message still unconfirmed is withdrawn.
	Deadline *time.Time `json:"deadline"`
}

// singleResult is the answer of a single contact.
type singleResult struct {
	Results  []channelResult `json:"results"`
	Sent     int             `json:"sent"`
	Failed   int             `json:"failed"`
	Awaiting int             `json:"awaiting"`
}

// language is the caller's language: their saved preference, else the
// Accept-Language header, else zh-CN.
func language(r *http.Request) string {
	pref := ""
	if id := identity(r); id != nil && id.User != nil {
		pref = id.User.Language
	}
	return i18n.Negotiate(pref, r.Header.Get("Accept-Language"))
}

// contactOf answers 404 unless the caller may see the contact in the path.
func (h *handler) contactOf(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := h.app.Contacts.Contact(r.Context(), policy(r), id); err != nil {
		return 0, err
	}
	return id, nil
}

// singleInput reads a single contact's body for the contact in the path.
func (h *handler) singleInput(r *http.Request) (record.SingleInput, error) {
	id, err := h.contactOf(r)
	if err != nil {
		return record.SingleInput{}, err
	}
	var body singleBody
	if err := decode(r, &body); err != nil {
		return record.SingleInput{}, err
	}
	return body.input(id)
}

// contactNow performs a single contact. The answer is 200 whenever the
// request was valid and every channel was attempted, even if every
// provider refused: each result says sent or failed with the reason.
func (h *handler) contactNow(w http.ResponseWriter, r *http.Request) {
	in, err := h.singleInput(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	results, err := h.app.Records.Send(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := language(r)
	out := singleResult{Results: make([]channelResult, len(results))}
	for i, res := range results {
		c := channelResult{Channel: res.Channel, Status: res.Status, Address: res.Address, Provider: res.Provider,
			ProviderMessageID: res.ProviderID, DeliveryID: res.DeliveryID, Reason: res.Reason, Detail: res.Detail,
			Transient: res.Transient, Deadline: res.Deadline}
		if res.RecordID != 0 {
			c.RecordID = &res.RecordID
		}
		if res.Reason != "" {
			c.ReasonText = bulk.ReasonText(res.Reason, lang)
		}
		switch res.Status {
		case model.DeliverySent:
			out.Sent++
		case model.DeliveryConfirming:
			out.Awaiting++
		default:
			out.Failed++
		}
		out.Results[i] = c
	}
	writeJSON(w, http.StatusOK, out)
}

// previewBody is the answer of a preview: the content as the contact will
// receive it.
type previewBody struct {
	SMS    *smsPreview   `json:"sms"`
	Email  *emailPreview `json:"email"`
	WeCom  *weComPreview `json:"wecom"`
	Errors []fieldError  `json:"errors"`
	// QuietHours lists the channels whose recipient is in quiet hours
	// now: sending needs quiet_hours_override.
	QuietHours []record.QuietNote `json:"quiet_hours"`
}

type smsPreview struct {
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
	Chars    int    `json:"chars"`
	Segments int    `json:"segments"`
}

type weComPreview struct {
	Text string `json:"text"`
}

type emailPreview struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// previewContact renders a single contact's content for its contact
// without sending anything. Merge fields that do not parse are listed in
// "errors" (the text is shown as typed), so a half-written text previews.
func (h *handler) previewContact(w http.ResponseWriter, r *http.Request) {
	in, err := h.singleInput(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.app.Records.Preview(r.Context(), policy(r), identity(r).User, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := previewBody{Errors: fieldsOf(p.Errors), QuietHours: p.Quiet}
	if in.SMS != nil {
		out.SMS = &smsPreview{Text: p.SMSText, Encoding: p.SMSEncoding, Chars: p.SMSChars, Segments: p.SMSSegments}
	}
	if in.Email != nil {
		out.Email = &emailPreview{Subject: p.EmailSubject, Body: p.EmailBody}
	}
	if in.WeCom != nil {
		out.WeCom = &weComPreview{Text: p.WeComText}
	}
	writeJSON(w, http.StatusOK, out)
}

// deliveryOut is one message of a single contact as the API shows it.
type deliveryOut struct {
	ID                int64      `json:"id"`
	Channel           string     `json:"channel"`
	Status            string     `json:"status"`
	Address           string     `json:"address"`
	Provider          string     `json:"provider"`
	ProviderMessageID string     `json:"provider_message_id"`
	CustomerID        *int64     `json:"customer_id"`
	ContactID         *int64     `json:"contact_id"`
	RecordID          *int64     `json:"record_id"`
	Reason            string     `json:"reason"`
	ReasonText        string     `json:"reason_text"`
	Deadline          *time.Time `json:"deadline"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// withdrawDelivery withdraws the caller's WeCom message that waits for
// their confirmation in the WeCom client. One they confirmed meanwhile is
// answered as sent, with its record.
func (h *handler) withdrawDelivery(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.app.Records.WithdrawWeCom(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := deliveryOut{ID: d.ID, Channel: d.Kind, Status: d.Status, Address: d.Address, Provider: d.Provider,
		ProviderMessageID: d.ProviderMessageID, CustomerID: d.CustomerID, ContactID: d.ContactID, RecordID: d.RecordID,
		Reason: d.Reason, Deadline: d.Deadline, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.Reason != "" {
		out.ReasonText = bulk.ReasonText(d.Reason, language(r))
	}
	writeJSON(w, http.StatusOK, out)
}
