package record

import (
	"context"

	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Preview is the content of a single contact as its recipient will see it,
// with the SMS length figures shown under the text box.
type Preview struct {
	SMSText      string `json:"sms_text"`
	SMSEncoding  string `json:"sms_encoding"` // GSM-7 or UCS-2
	SMSChars     int    `json:"sms_chars"`
	SMSSegments  int    `json:"sms_segments"`
	EmailSubject string `json:"email_subject"`
	EmailBody    string `json:"email_body"`
	WeComText    string `json:"wecom_text"`
	// Errors name the fields whose merge fields do not parse.
	Errors model.ValidationErrors `json:"errors,omitempty"`
	// Quiet lists the channels whose recipient is in quiet hours now:
	// sending needs a reason.
	Quiet []QuietNote `json:"quiet_hours"`
}

// Preview renders the merge fields of in for its contact, without sending
// anything. Template problems are reported in Preview.Errors, not as an
// error, so a half-typed text still previews.
func (s *Service) Preview(ctx context.Context, p permission.Policy, user *model.User, in SingleInput) (*Preview, error) {
	t, err := s.resolve(ctx, p, in.ContactID)
	if err != nil {
		return nil, err
	}
	data := mergeData(t, user)
	out := &Preview{}
	render := func(field, src string) string {
		if src == "" {
			return ""
		}
		r, err := message.Render(src, data)
		if err != nil {
			out.Errors.Add(field, "invalid_template", err.Error())
			return src
		}
		return r
	}
	if in.SMS != nil {
		f, err := s.smsFiller(ctx, in.SMS, true, &out.Errors)
		if err != nil {
			return nil, err
		}
		if f != nil {
			_, out.SMSText = f.Fill(data)
		} else {
			out.SMSText = render("sms.text", in.SMS.Text)
		}
		out.SMSEncoding, out.SMSChars, out.SMSSegments = message.Segments(out.SMSText)
	}
	if in.Email != nil {
		out.EmailSubject = render("email.subject", in.Email.Subject)
		out.EmailBody = render("email.body", in.Email.Body)
	}
	if in.WeCom != nil {
		out.WeComText = render("wecom.text", in.WeCom.Text)
	}
	var reach []outgoing
	if in.SMS != nil && t.contact.Mobile != "" {
		reach = append(reach, outgoing{kind: channel.KindSMS, address: t.contact.Mobile})
	}
	if in.Email != nil && t.contact.Email != "" {
		reach = append(reach, outgoing{kind: channel.KindEmail, address: t.contact.Email})
	}
	if out.Quiet, err = s.quietHours(ctx, in, reach); err != nil {
		return nil, err
	}
	if out.Quiet == nil {
		out.Quiet = []QuietNote{}
	}
	return out, nil
}

// mergeData is what merge fields of a message to t's contact resolve to.
func mergeData(t *target, user *model.User) message.Data {
	return message.Data{
		ContactName: t.contact.Name, ContactTitle: t.contact.Title, ContactMobile: t.contact.Mobile,
		ContactEmail: t.contact.Email, CustomerName: t.customer.Name, CustomerCode: t.customer.Code,
		UserName: user.Name(), UserEmail: user.Email,
	}
}
