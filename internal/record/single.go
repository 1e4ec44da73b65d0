package record

import (
	"context"
	"strings"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/smstemplate"
)

// SingleInput is one single contact (单个联系): a record's common fields and
// the content of each channel used. A nil channel is not used.
type SingleInput struct {
	Common
	SMS   *SMSContent   `json:"sms,omitempty"`
	Email *EmailContent `json:"email,omitempty"`
	WeCom *WeComContent `json:"wecom,omitempty"`
	// QuietOverride is the rep's reason to send although the recipient is
	// in quiet hours; without it such a send is refused. It is kept on
	// the record.
	QuietOverride string `json:"quiet_hours_override,omitempty"`
}

// SMSContent is an SMS: free text with merge fields, or on a channel
// that sends approved templates only (Aliyun, Tencent Cloud) a template
// and the values of the variables the rep fills.
type SMSContent struct {
	Text       string            `json:"text"`
	TemplateID *int64            `json:"template_id,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	// Marketing marks a promotional message: only such a send may use a
	// marketing template.
	Marketing bool `json:"marketing,omitempty"`
}

// EmailContent is an e-mail's subject and plain-text body, with merge fields.
type EmailContent struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// ChannelResult is the outcome of one channel of a single contact.
type ChannelResult struct {
	Channel    string `json:"channel"`
	Status     string `json:"status"` // sent, failed, or awaiting (WeCom: the rep's confirmation)
	Address    string `json:"address"`
	Provider   string `json:"provider"`
	ProviderID string `json:"provider_message_id,omitempty"`
	RecordID   int64  `json:"record_id,omitempty"`
	DeliveryID int64  `json:"delivery_id"`
	Reason     string `json:"reason,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Transient  bool   `json:"transient,omitempty"`
	// Deadline is when a WeCom message still unconfirmed is withdrawn.
	Deadline *time.Time `json:"deadline,omitempty"`
}

// sendTimeout bounds one provider call of a single contact.
const sendTimeout = 30 * time.Second

// outgoing is one rendered message ready to send.
type outgoing struct {
	kind     channel.Kind
	address  string
	subject  string
	text     string // for a template: what the phone shows
	html     string
	template string
	params   map[string]string
	sign     string
	// quietOverride is the reason to send in the recipient's quiet hours.
	quietOverride string
}

// Send performs a single contact: it checks everything first (permission,
// do-not-contact, opt-outs, addresses, templates — any problem is an error
// and nothing is sent), then sends each channel, logging a delivery before
// the provider call and writing the contact record in the same transaction
// that marks the delivery sent. A provider failure is returned in the
// channel's result with its reason, not as an error.
func (s *Service) Send(ctx context.Context, p permission.Policy, user *model.User, in SingleInput) ([]ChannelResult, error) {
	t, err := s.resolve(ctx, p, in.ContactID)
	if err != nil {
		return nil, err
	}
	var errs model.ValidationErrors
	if err := s.checkCommon(ctx, &in.Common, &errs); err != nil {
		return nil, err
	}
	next := s.planFor(ctx, p, &in.Common, t, &errs)
	filler, err := s.smsFiller(ctx, in.SMS, false, &errs)
	if err != nil {
		return nil, err
	}
	outs := s.prepare(t, user, in, filler, &errs)
	wout, err := s.prepareWeCom(ctx, t, user, in, &errs)
	if err != nil {
		return nil, err
	}
	quiet, err := s.quietHours(ctx, in, outs)
	if err != nil {
		return nil, err
	}
	override := strings.TrimSpace(in.QuietOverride)
	if len(quiet) > 0 {
		errs.Text("quiet_hours_override", override, false, maxOverride)
		if override == "" {
			errs.Add("quiet_hours_override", "quiet_hours", quietMessage(quiet))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	results := make([]ChannelResult, 0, len(outs))
	for _, o := range outs {
		if !quiet.has(o.kind) {
			o.quietOverride = ""
		} else {
			o.quietOverride = override
		}
		res, err := s.sendOne(ctx, p, t, in.Common, o, next)
		if err != nil {
			return results, err
		}
		results = append(results, res)
	}
	if wout != nil {
		res, err := s.sendWeCom(ctx, p, t, in.Common, wout)
		if err != nil {
			return results, err
		}
		results = append(results, res)
	}
	return results, nil
}

// prepare checks the recipient can be reached on each chosen channel and
// renders the merge fields.
func (s *Service) prepare(t *target, user *model.User, in SingleInput, filler *smstemplate.Filler, errs *model.ValidationErrors) []outgoing {
	if in.SMS == nil && in.Email == nil && in.WeCom == nil {
		errs.Add("channels", "required", "choose SMS, e-mail or WeCom")
	}
	if t.customer.DoNotContact {
		errs.Add("customer", "do_not_contact", "this customer is marked do-not-contact")
		return nil
	}
	data := mergeData(t, user)
	var outs []outgoing
	if in.SMS != nil {
		switch {
		case t.contact.OptOutSMS:
			errs.Add("sms", "opted_out", "this contact has opted out of SMS")
		case t.contact.Mobile == "":
			errs.Add("sms", "no_address", "this contact has no mobile number")
		case filler != nil:
			params, text := filler.Fill(data)
			outs = append(outs, outgoing{kind: channel.KindSMS, address: t.contact.Mobile, text: text,
				template: filler.Code(), params: params, sign: filler.Sign()})
		default:
			if text, ok := render(errs, "sms.text", in.SMS.Text, data, 1000); ok {
				outs = append(outs, outgoing{kind: channel.KindSMS, address: t.contact.Mobile, text: text})
			}
		}
	}
	if in.Email != nil {
		switch {
		case t.contact.OptOutEmail:
			errs.Add("email", "opted_out", "this contact has opted out of e-mail")
		case t.contact.Email == "":
			errs.Add("email", "no_address", "this contact has no e-mail address")
		default:
			subject, ok1 := render(errs, "email.subject", in.Email.Subject, data, 300)
			body, ok2 := render(errs, "email.body", in.Email.Body, data, 100000)
			if ok1 && ok2 {
				outs = append(outs, outgoing{kind: channel.KindEmail, address: t.contact.Email, subject: subject,
					text: body, html: message.TextToHTML(body)})
			}
		}
	}
	return outs
}

// smsFiller checks the template an SMS names against the SMS channel: nil
// when the channel sends free text (or no SMS is sent). Problems with the
// choice are added to errs; for a preview, empty rep values show as their
// labels.
func (s *Service) smsFiller(ctx context.Context, sms *SMSContent, preview bool, errs *model.ValidationErrors) (*smstemplate.Filler, error) {
	if sms == nil || s.templates == nil {
		return nil, nil
	}
	f, _, err := s.templates.Prepare(ctx, smstemplate.Choice{TemplateID: sms.TemplateID, Params: sms.Params,
		Marketing: sms.Marketing, Preview: preview}, smstemplate.Fields{Template: "sms.template_id", Params: "sms.params"})
	if ve, ok := model.AsValidation(err); ok {
		*errs = append(*errs, ve...)
		return nil, nil
	}
	return f, err
}

// render checks a content field and fills its merge fields.
func render(errs *model.ValidationErrors, field, src string, d message.Data, maxLen int) (string, bool) {
	before := len(*errs)
	if errs.Text(field, src, true, maxLen); len(*errs) > before {
		return "", false
	}
	out, err := message.Render(src, d)
	if err != nil {
		errs.Add(field, "invalid_template", err.Error())
		return "", false
	}
	return out, true
}
