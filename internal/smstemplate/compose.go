package smstemplate

import (
	"context"

	"touchbase/internal/model"
)

// Choice is what a contact's SMS names on a template channel: the
// template, and the values of the variables the rep fills.
type Choice struct {
	TemplateID *int64
	Params     map[string]string
	Marketing  bool
}

// Prepare checks the template choice of one send against the SMS channel
// and returns its filler: nil, nil when the channel sends free text. field
// prefixes the names of the errors (the form's "sms").
func (s *Service) Prepare(ctx context.Context, c Choice, field string) (*Filler, *model.SMSTemplate, error) {
	p, templated, err := s.Provider(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !templated {
		if c.TemplateID != nil {
			return nil, nil, model.NewFieldError(field+".template_id", "free_text_channel", "the SMS channel sends free text, not templates")
		}
		return nil, nil, nil
	}
	if c.TemplateID == nil {
		return nil, nil, model.NewFieldError(field+".template_id", "template_required", "the SMS channel sends approved templates only: choose one")
	}
	t, err := s.store.SMSTemplate(ctx, *c.TemplateID)
	if err == model.ErrNotFound || (err == nil && t.Provider != p) {
		return nil, nil, model.NewFieldError(field+".template_id", "not_found", "no such template on the SMS channel")
	}
	if err != nil {
		return nil, nil, err
	}
	if err := Usable(t, c.Marketing, field+".template_id"); err != nil {
		return nil, nil, err
	}
	sign, err := s.channels.SMSSign(ctx)
	if err != nil {
		return nil, nil, err
	}
	f, err := NewFiller(t, sign, c.Params, field+".params")
	if err != nil {
		return nil, nil, err
	}
	return f, t, nil
}
