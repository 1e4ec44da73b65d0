package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"touchbase/internal/channel"
	"touchbase/internal/contact"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/record"
)

// singleContactData is the data of the contact dialog (单个联系) and of its
// page: who is contacted, the form, the live preview and, after a send,
// the outcome of each channel.
type singleContactData struct {
	base
	Customer *contact.CustomerView
	Contacts []*model.Contact
	Contact  *model.Contact // nil when the customer has no contact yet
	Topics   []*model.Topic
	Form     singleContactForm
	Errors   model.ValidationErrors
	Preview  *record.Preview
	Outbox   map[string]bool // channel kind → kept in the built-in outbox
	Results  []record.ChannelResult
	Recent   []*model.Delivery
	Fields   []string    // merge fields offered as chips
	Plan     *model.Plan // the contact plan this contact completes
	SMS      *smsPick    // the templates of a template SMS channel; nil: free text
	// WeComOn says WeCom is connected, so the dialog offers it;
	// WeComBlock is the code of why it cannot reach this contact
	// (catalogue "single.wecom_<code>"), "" when it can.
	WeComOn    bool
	WeComBlock string
}

// singleContactForm is what the rep typed.
type singleContactForm struct {
	ContactID    int64
	Title        string
	Summary      string
	TopicIDs     []int64
	Channels     []string
	SMSText      string
	EmailSubject string
	EmailBody    string
	PlanID       int64 // the contact plan the send completes
	SMSChoice    smsChoice
	// A WeCom message: its text and one link.
	WeComText      string
	WeComLinkTitle string
	WeComLinkURL   string
	// QuietOverride is the reason to send in the recipient's quiet hours.
	QuietOverride string
}

// readSingleContact reads the dialog's fields from the form (or, when the
// dialog is re-opened for another contact, from the query).
func readSingleContact(r *http.Request) singleContactForm {
	f := singleContactForm{Title: r.FormValue("title"), Summary: r.FormValue("summary"),
		TopicIDs: formIDs(r, "topic_ids"), Channels: formValues(r, "channels"), SMSText: r.FormValue("sms_text"),
		EmailSubject: r.FormValue("email_subject"), EmailBody: r.FormValue("email_body"), SMSChoice: readSMSChoice(r),
		QuietOverride: r.FormValue("quiet_hours_override"), WeComText: r.FormValue("wecom_text"),
		WeComLinkTitle: r.FormValue("wecom_link_title"), WeComLinkURL: r.FormValue("wecom_link_url")}
	if id := formID(r, "contact_id"); id != nil {
		f.ContactID = *id
	}
	if id := formID(r, "plan_id"); id != nil {
		f.PlanID = *id
	}
	return f
}

// input turns the form into a single contact: the ticked channels only, or
// with preview every channel that has content.
func (f singleContactForm) input(preview bool) record.SingleInput {
	in := record.SingleInput{Common: record.Common{ContactID: f.ContactID, Title: f.Title, TopicIDs: f.TopicIDs,
		Summary: f.Summary}, QuietOverride: f.QuietOverride}
	if f.PlanID != 0 {
		id := f.PlanID
		in.PlanID = &id
	}
	if slices.Contains(f.Channels, string(channel.KindSMS)) || preview && (f.SMSText != "" || f.SMSChoice.TemplateID != 0) {
		c := f.SMSChoice
		in.SMS = &record.SMSContent{Text: f.SMSText, TemplateID: c.templateID(), Params: c.Params, Marketing: c.Marketing}
	}
	if slices.Contains(f.Channels, string(channel.KindEmail)) || preview && (f.EmailSubject != "" || f.EmailBody != "") {
		in.Email = &record.EmailContent{Subject: f.EmailSubject, Body: f.EmailBody}
	}
	if slices.Contains(f.Channels, model.ChannelWeCom) || preview && f.WeComText != "" {
		in.WeCom = &record.WeComContent{Text: f.WeComText}
		if f.WeComLinkURL != "" || f.WeComLinkTitle != "" {
			in.WeCom.Attachments = []model.WeComAttachment{{Kind: model.WeComLink, Title: f.WeComLinkTitle, URL: f.WeComLinkURL}}
		}
	}
	return in
}

// formFields gives the dialog's names of fields the record service names:
// the one attachment is the form's link.
func formFields(errs model.ValidationErrors) model.ValidationErrors {
	for _, e := range errs {
		switch e.Field {
		case "wecom.attachments[0].title":
			e.Field = "wecom_link_title"
		case "wecom.attachments[0].url", "wecom.attachments[0].kind", "wecom.attachments[0].desc":
			e.Field = "wecom_link_url"
		}
	}
	return errs
}

// Action is the URL the dialog posts to.
func (d singleContactData) Action() string {
	return "/customers/" + strconv.FormatInt(d.Customer.ID, 10) + "/contact"
}

// Checked reports whether a channel is ticked.
func (d singleContactData) Checked(kind string) bool { return slices.Contains(d.Form.Channels, kind) }

// SMSBlock is the catalog key saying why SMS cannot be used, "" when it can.
func (d singleContactData) SMSBlock() string {
	switch {
	case d.Customer.DoNotContact:
		return "single.blocked_dnc"
	case d.Contact == nil:
		return ""
	case d.Contact.OptOutSMS:
		return "single.sms_opted_out"
	case d.Contact.Mobile == "":
		return "single.sms_no_mobile"
	}
	return ""
}

// EmailBlock is the catalog key saying why e-mail cannot be used, "" when
// it can.
func (d singleContactData) EmailBlock() string {
	switch {
	case d.Customer.DoNotContact:
		return "single.blocked_dnc"
	case d.Contact == nil:
		return ""
	case d.Contact.OptOutEmail:
		return "single.email_opted_out"
	case d.Contact.Email == "":
		return "single.email_no_address"
	}
	return ""
}

// Awaiting counts the WeCom messages of the last send that wait for the
// rep's confirmation in the WeCom client.
func (d singleContactData) Awaiting() int {
	return d.count(func(r record.ChannelResult) bool { return r.Status == model.DeliveryConfirming })
}

// PlanWaits reports whether the plan the send serves completes only once
// its WeCom message goes: nothing else of the send went out.
func (d singleContactData) PlanWaits() bool {
	return d.Plan != nil && d.Sent() == 0 && d.Awaiting() > 0
}

// Sent counts the channels of the last send that went out.
func (d singleContactData) Sent() int {
	return d.count(func(r record.ChannelResult) bool { return r.Status == model.DeliverySent })
}

// Failed counts the channels of the last send the provider refused.
func (d singleContactData) Failed() int {
	return d.count(func(r record.ChannelResult) bool { return r.Status == model.DeliveryFailed })
}

// Kept counts the channels of the last send that went only to the Outbox
// (no provider configured): recorded, but nothing reached the contact.
func (d singleContactData) Kept() int {
	return d.count(func(r record.ChannelResult) bool { return r.Status == model.DeliverySent && r.Provider == "outbox" })
}

// Outcomes of a finished send, for what it says it did: the catalogue
// keys of its title and of its toast.
var (
	doneTitles = [...]string{"single.done_sent", "single.done_outbox", "single.done_partly_outbox", "single.done_awaiting",
		"single.done_sent_awaiting"}
	doneToasts = [...]string{"single.toast_sent", "single.toast_outbox", "single.toast_partly_outbox", "single.toast_awaiting",
		"single.toast_awaiting"}
)

// outcome is 0 when every channel reached a provider, 1 when every one
// was only kept in the Outbox, 2 when some were; with a WeCom message
// waiting for the rep, 3 when nothing else went, 4 when something did.
func (d singleContactData) outcome() int {
	switch kept := d.Kept(); {
	case d.Awaiting() > 0 && d.Sent() == 0:
		return 3
	case d.Awaiting() > 0:
		return 4
	case kept == 0:
		return 0
	case kept == d.Sent():
		return 1
	default:
		return 2
	}
}

// DoneTitle is the catalogue key of the finished send's title.
func (d singleContactData) DoneTitle() string { return doneTitles[d.outcome()] }

// DoneToast is the catalogue key of the finished send's toast.
func (d singleContactData) DoneToast() string { return doneToasts[d.outcome()] }

// count counts the channels of the last send for which keep holds.
func (d singleContactData) count(keep func(record.ChannelResult) bool) int {
	n := 0
	for _, r := range d.Results {
		if keep(r) {
			n++
		}
	}
	return n
}

// singleContact loads the dialog's data: the customer named by the path,
// which the user must be allowed to contact, its contacts, the chosen one
// (contactID, else the primary, else the first), the active topics, which
// channels are kept in the outbox and the contact's latest messages.
func (h *handler) singleContact(w http.ResponseWriter, r *http.Request, contactID int64) (singleContactData, error) {
	ctx, id := r.Context(), identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		return singleContactData{}, err
	}
	if !cv.Access.Contact {
		return singleContactData{}, model.ErrForbidden
	}
	d := singleContactData{base: h.base(w, r, "customers", "single.title"), Customer: cv, Fields: message.Fields()}
	if d.Contacts, err = h.app.Contacts.Contacts(ctx, id.Policy, cv.ID); err != nil {
		return d, err
	}
	if d.Contact, err = pickContact(d.Contacts, contactID); err != nil {
		return d, err
	}
	if d.Topics, err = h.app.Admin.Topics(ctx, true); err != nil {
		return d, err
	}
	settings, err := h.app.Channels.Settings(ctx)
	if err != nil {
		return d, err
	}
	if d.SMS, err = h.smsPick(ctx, readSMSChoice(r)); err != nil {
		return d, err
	}
	d.Outbox = map[string]bool{}
	for _, s := range settings {
		d.Outbox[string(s.Kind)] = s.IsOutbox
	}
	if d.Contact != nil {
		d.Form.ContactID = d.Contact.ID
		if d.Recent, err = h.app.Store.DeliveriesOfContact(ctx, d.Contact.ID, 5); err != nil {
			return d, err
		}
	}
	if d.WeComOn, err = h.app.WeCom.Connected(ctx); err != nil || !d.WeComOn || d.Contact == nil {
		return d, err
	}
	d.WeComBlock, err = h.weComBlock(ctx, id.User.ID, d.Contact.ID, cv.DoNotContact)
	return d, err
}

// weComBlock is the code of why the user's WeCom message cannot reach the
// contact, "" when it can.
func (h *handler) weComBlock(ctx context.Context, userID, contactID int64, doNotContact bool) (string, error) {
	if doNotContact {
		return "do_not_contact", nil
	}
	_, err := h.app.WeCom.RouteFor(ctx, userID, contactID, model.ChannelWeCom)
	if fe, ok := model.AsValidation(err); ok {
		return fe[0].Code, nil
	}
	return "", err
}

// pickContact returns the contact with id among cts (ErrNotFound when it is
// not one of them), or with id 0 the primary contact, else the first.
func pickContact(cts []*model.Contact, id int64) (*model.Contact, error) {
	for _, c := range cts {
		if id == 0 && c.Primary || c.ID == id {
			return c, nil
		}
	}
	if id != 0 {
		return nil, model.ErrNotFound
	}
	if len(cts) > 0 {
		return cts[0], nil
	}
	return nil, nil
}

// preview renders the merge fields of the form for the chosen contact.
func (h *handler) preview(r *http.Request, d *singleContactData) error {
	if d.Contact == nil {
		return nil
	}
	in := d.Form.input(true)
	in.ContactID = d.Contact.ID
	pv, err := h.app.Records.Preview(r.Context(), identity(r).Policy, identity(r).User, in)
	d.Preview = pv
	return err
}
