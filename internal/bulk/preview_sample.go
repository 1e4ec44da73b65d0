package bulk

import (
	"context"
	"errors"

	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Sample is a bulk send's content as the first recipient of its selection
// on each channel will receive it: what the operator checks before sending.
type Sample struct {
	// SMS is nil when the send has no SMS text or nobody to text.
	SMS *SampleMessage
	// Email is nil when the send has no e-mail or nobody to mail.
	Email *SampleMessage
	// Errors lists the merge fields that do not parse (fields sms_text,
	// email_subject, email_body); such a text is shown as typed.
	Errors model.ValidationErrors
}

// SampleMessage is one channel's message to its sample recipient.
type SampleMessage struct {
	Recipient *model.BulkRecipient
	Subject   string
	Text      string
	// SMS only: the encoding, the length in its units and the number of
	// parts (GSM-7 160/153, UCS-2 70/67).
	Encoding string
	Chars    int
	Segments int
}

// PreviewSample renders the content of in for the first recipient its
// selection reaches on each channel, as dispatch will render it. Nothing
// is stored.
func (s *Service) PreviewSample(ctx context.Context, p permission.Policy, user *model.User, in Input) (*Sample, error) {
	out := &Sample{}
	check := func(field, src string) {
		if src == "" {
			return
		}
		if err := message.Validate(src); err != nil {
			out.Errors.Add(field, "invalid_template", err.Error())
		}
	}
	filler, _, err := s.smsTemplate(ctx, in, true)
	if ve, ok := model.AsValidation(err); ok {
		out.Errors = append(out.Errors, ve...)
	} else if err != nil {
		return nil, err
	}
	if filler == nil {
		check("sms_text", in.SMSText)
	}
	check("email_subject", in.EmailSubject)
	check("email_body", in.EmailBody)
	render := func(src string, d message.Data) string {
		if r, err := message.Render(src, d); err == nil {
			return r
		}
		return src
	}
	sample := func(channel string) (*model.BulkRecipient, message.Data, error) {
		r, err := s.store.SampleRecipient(ctx, p, in.Recipients, channel)
		if err != nil {
			return nil, message.Data{}, err
		}
		d := message.Data{ContactName: r.ContactName, ContactTitle: r.ContactTitle, CustomerName: r.CustomerName,
			CustomerCode: r.CustomerCode, UserName: user.Name()}
		if channel == model.ChannelSMS {
			d.ContactMobile = r.Address
		} else {
			d.ContactEmail = r.Address
		}
		return r, d, nil
	}
	if in.SMSText != "" || filler != nil {
		r, d, err := sample(model.ChannelSMS)
		switch {
		case err == nil:
			m := &SampleMessage{Recipient: r}
			if filler != nil {
				_, m.Text = filler.Fill(d)
			} else {
				m.Text = render(in.SMSText, d)
			}
			m.Encoding, m.Chars, m.Segments = message.Segments(m.Text)
			out.SMS = m
		case !errors.Is(err, model.ErrNotFound):
			return nil, err
		}
	}
	if in.EmailSubject != "" || in.EmailBody != "" {
		r, d, err := sample(model.ChannelEmail)
		switch {
		case err == nil:
			out.Email = &SampleMessage{Recipient: r, Subject: render(in.EmailSubject, d), Text: render(in.EmailBody, d)}
		case !errors.Is(err, model.ErrNotFound):
			return nil, err
		}
	}
	return out, nil
}
