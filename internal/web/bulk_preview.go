package web

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
	"touchbase/internal/storage"
)

// bulkPreview is the wizard's content as a sample recipient gets it, with
// the SMS length figures shown under the text box.
type bulkPreview struct {
	Sample       *storage.Candidate // nil when the user sees no contact
	SMSText      string
	SMSEncoding  string
	SMSChars     int
	SMSSegments  int
	EmailSubject string
	EmailBody    string
	// Errors name the fields whose merge fields do not parse.
	Errors model.ValidationErrors
	// Varies is set when the SMS has merge fields, so its length differs
	// from one recipient to the next.
	Varies bool
}

// bulkContentPreview renders the content for the sample recipient as the
// operator types: the preview pane, and the SMS counter out of band.
func (h *handler) bulkContentPreview(w http.ResponseWriter, r *http.Request) {
	d := bulkWizardData{base: h.base(w, r, "bulk_new", "bulk.title"), Form: readBulkForm(r)}
	var err error
	if d.WeCom, err = h.weComOffer(r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.bulkPreview(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	h.fragment(w, r, http.StatusOK, "bulk_preview_update", d)
}

// bulkPreview renders the ticked channels' content for a sample recipient:
// the first contact selected, else the first the picker's filter matches.
// It renders as delivery does: an SMS knows the contact's mobile, an
// e-mail their address.
func (h *handler) bulkPreview(r *http.Request, d *bulkWizardData) error {
	sample, err := h.sample(r, d.Form)
	if err != nil {
		return err
	}
	pv := &bulkPreview{Sample: sample}
	d.Preview = pv
	data := message.Data{UserName: identity(r).User.Name()}
	if sample != nil {
		data.ContactName, data.ContactTitle = sample.ContactName, sample.ContactTitle
		data.CustomerName, data.CustomerCode = sample.CustomerName, sample.CustomerCode
	}
	render := func(field, src string, d message.Data) string {
		if src == "" {
			return ""
		}
		out, err := message.Render(src, d)
		if err != nil {
			pv.Errors.Add(field, "invalid_template", err.Error())
			return src
		}
		return out
	}
	if d.Form.Checked(model.ChannelSMS) {
		sms := data
		if sample != nil {
			sms.ContactMobile = sample.Mobile
		}
		if c := d.Form.SMSChoice; c.TemplateID != 0 {
			f, _, err := h.app.SMSTemplates.Prepare(r.Context(), smstemplate.Choice{TemplateID: c.templateID(), Params: c.Params,
				Marketing: c.Marketing, Preview: true}, smstemplate.Fields{Template: "sms_template_id", Params: "sms_params"})
			if ve, ok := model.AsValidation(err); ok {
				pv.Errors = append(pv.Errors, ve...)
			} else if err != nil {
				return err
			}
			if f != nil {
				_, pv.SMSText = f.Fill(sms)
				pv.Varies = true
			}
		} else {
			pv.SMSText = render("sms_text", d.Form.SMSText, sms)
			if t, err := message.Parse(d.Form.SMSText); err == nil {
				pv.Varies = len(t.Fields()) > 0
			}
		}
		pv.SMSEncoding, pv.SMSChars, pv.SMSSegments = message.Segments(pv.SMSText)
	}
	if d.Form.Checked(model.ChannelEmail) {
		email := data
		if sample != nil {
			email.ContactEmail = sample.Email
		}
		pv.EmailSubject = render("email_subject", d.Form.EmailSubject, email)
		pv.EmailBody = render("email_body", d.Form.EmailBody, email)
	}
	return nil
}

// sample returns the first contact of the selection, else of the picker's
// filter, else nil.
func (h *handler) sample(r *http.Request, f bulkForm) (*storage.Candidate, error) {
	var sels []storage.RecipientSelection
	if sel, ok := f.selection(); ok {
		sels = append(sels, sel)
	}
	sels = append(sels, f.Filter.selection())
	for _, sel := range sels {
		rows, _, err := h.app.Bulk.Candidates(r.Context(), identity(r).Policy, sel, 1, 0)
		if err != nil || len(rows) > 0 {
			return first(rows), err
		}
	}
	return nil, nil
}

func first[T any](s []*T) *T {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// bulkReview is the last step's account of what the send will do: the
// dry run of the send, as accepting it now would decide.
type bulkReview struct {
	Channels    []reviewChannel
	Contacts    int // contacts selected
	Messages    int // messages to send, every channel
	ScheduledAt *time.Time
	Filter      []selectionPart // the filter, when every match is selected
	Cost        model.Money     // estimated, of the priced channels
	Unpriced    bool            // a channel that sends has no price
	Confirm     bool            // the operator must tick to confirm
	Approval    string          // why it will wait for approval, or ""
	Everything  bool            // every contact the user can see, no filter
	Budget      *bulk.TeamBudget
	Daily       *bulk.DailyLimit
	OverDaily   bool // the send would go over the rep's daily limit
}

// reviewChannel is what one channel will send, skip and hold, and why.
type reviewChannel struct {
	Kind      string
	Send      int
	Skipped   int
	Reasons   []reasonCount
	Segments  int // SMS: messages billed, estimated from the sample
	Held      int
	HeldUntil *time.Time
	Priced    bool
	Cost      model.Money
}

// reasonCount is how many recipients are skipped for one reason.
type reasonCount struct {
	Reason string
	Count  int
}

// bulkReview counts, per channel, who the selection reaches and who it
// skips and why (opted out, do-not-contact, no address, duplicate
// address, frequency caps), whom quiet hours hold and what it costs, as
// accepting the send would decide it. A selection that matches nobody
// sends the wizard back to the recipients.
func (h *handler) bulkReview(r *http.Request, d *bulkWizardData, in bulk.Input) error {
	channels := d.Form.channels()
	segments := 1
	if d.Preview != nil {
		segments = d.Preview.SMSSegments
	}
	dr, err := h.app.Bulk.DryRun(r.Context(), identity(r).Policy, identity(r).User, in, channels, segments)
	if err != nil {
		return err
	}
	rv := &bulkReview{ScheduledAt: in.ScheduledAt, Messages: dr.Messages, Cost: dr.Cost, Unpriced: dr.Unpriced,
		Confirm: dr.Confirm, Approval: dr.Approval, Everything: in.Recipients.Everything(),
		Budget: dr.Budget, Daily: dr.Daily, OverDaily: dr.Daily.Over(dr.Messages)}
	for _, run := range dr.Channels {
		rc := reviewChannel{Kind: run.Channel, Send: run.Send, Held: run.Held, HeldUntil: run.HeldUntil, Priced: run.Priced, Cost: run.Cost}
		for reason, n := range run.Skipped {
			rc.Skipped += n
			rc.Reasons = append(rc.Reasons, reasonCount{Reason: reason, Count: n})
		}
		slices.SortFunc(rc.Reasons, func(a, b reasonCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
		})
		if run.Channel == model.ChannelSMS {
			rc.Segments = run.Units
		}
		rv.Contacts = max(rv.Contacts, run.Total)
		rv.Channels = append(rv.Channels, rc)
	}
	if rv.Contacts == 0 {
		d.Errors = append(d.Errors, model.NewFieldError("recipients", "empty", "the selection has no recipients"))
		d.Form.Step = stepRecipients
		return nil
	}
	if d.Form.Mode == pickAll {
		sel, _ := d.Form.selection()
		if rv.Filter, err = h.describeSelection(r, sel, d.TopicIdx); err != nil {
			return err
		}
	}
	d.Review = rv
	return nil
}
