package bulk

import (
	"context"
	"errors"
	"strconv"

	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// errTemplateUnavailable: the send's SMS template is no longer approved,
// or no longer the SMS channel's.
var errTemplateUnavailable = errors.New("bulk: sms template unavailable")

// renderer fills one bulk send's content for each recipient: merge
// templates, or the approved SMS template with its variables.
type renderer struct {
	kind             channel.Kind
	text, subj, body *message.Template
	filler           *smstemplate.Filler
	userName         string
	userEmail        string
	unsubscribe      UnsubscribeFunc // nil: no unsubscribe links
}

// newRenderer prepares b's content on kind, sent by provider. An SMS
// template is read anew each time: one withdrawn since the send was
// accepted gives errTemplateUnavailable.
func (s *Service) newRenderer(ctx context.Context, b *model.BulkSend, kind channel.Kind, provider string) (*renderer, error) {
	r := &renderer{kind: kind, userName: b.UserName, userEmail: b.UserEmail, unsubscribe: s.unsubscribe}
	var err error
	if kind == channel.KindSMS && b.SMSTemplateID != nil {
		t, err := s.store.SMSTemplate(ctx, *b.SMSTemplateID)
		if errors.Is(err, model.ErrNotFound) {
			return nil, errTemplateUnavailable
		}
		if err != nil {
			return nil, err
		}
		if t.Provider != provider || smstemplate.Usable(t, b.Marketing, "sms_template_id") != nil {
			return nil, errTemplateUnavailable
		}
		sign, err := s.channels.SMSSign(ctx)
		if err != nil {
			return nil, err
		}
		if r.filler, err = smstemplate.NewFiller(t, sign, b.SMSParams, "sms_params"); err != nil {
			return nil, errTemplateUnavailable // its variables changed since the send was accepted
		}
		return r, nil
	}
	if kind == channel.KindSMS {
		r.text, err = message.Parse(b.SMSText)
		return r, err
	}
	if r.subj, err = message.Parse(b.EmailSubject); err != nil {
		return nil, err
	}
	r.body, err = message.Parse(b.EmailBody)
	return r, err
}

func (r *renderer) message(row *model.BulkRecipient) channel.Message {
	d := message.Data{
		ContactName: row.ContactName, ContactTitle: row.ContactTitle, ContactMobile: row.ContactMobile,
		ContactEmail: row.ContactEmail, CustomerName: row.CustomerName, CustomerCode: row.CustomerCode,
		UserName: r.userName, UserEmail: r.userEmail,
	}
	m := channel.Message{To: row.Address, Ref: "b" + strconv.FormatInt(row.ID, 10)}
	switch {
	case r.filler != nil:
		m.TemplateParams, m.Text = r.filler.Fill(d)
		m.Template, m.Sign = r.filler.Code(), r.filler.Sign()
	case r.kind == channel.KindSMS:
		m.Text = r.text.Execute(d)
	default:
		m.Subject = r.subj.Execute(d)
		m.Text = r.body.Execute(d)
		m.HTML = message.TextToHTML(m.Text)
		if r.unsubscribe != nil && row.ContactID != nil {
			m.Unsubscribe = r.unsubscribe(*row.ContactID, row.Address)
		}
	}
	return m
}
