package smstemplate

import (
	"context"
	"errors"

	"touchbase/internal/model"
)

// Choice is what a contact's SMS names on a template channel: the
// template, and the values of the variables the rep fills.
type Choice struct {
	TemplateID *int64
	Params     map[string]string
	Marketing  bool
	// Preview fills a form still being typed: empty rep values show as
	// their labels.
	Preview bool
}

// Fields name a form's template and parameter fields in its errors: a
// parameter's error is named Params + "." + the variable.
type Fields struct{ Template, Params string }

// Prepare checks the template choice of one send against the SMS channel
// and returns its filler: nil, nil when the channel sends free text.
func (s *Service) Prepare(ctx context.Context, c Choice, field Fields) (*Filler, *model.SMSTemplate, error) {
	p, templated, err := s.Provider(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !templated {
		if c.TemplateID != nil {
			return nil, nil, model.NewFieldError(field.Template, "free_text_channel", "the SMS channel sends free text, not templates")
		}
		return nil, nil, nil
	}
	if c.TemplateID == nil {
		return nil, nil, model.NewFieldError(field.Template, "template_required", "the SMS channel sends approved templates only: choose one")
	}
	t, err := s.store.SMSTemplate(ctx, *c.TemplateID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && t.Provider != p) {
		return nil, nil, model.NewFieldError(field.Template, "not_found", "no such template on the SMS channel")
	}
	if err != nil {
		return nil, nil, err
	}
	if err := Usable(t, c.Marketing, field.Template); err != nil {
		return nil, nil, err
	}
	sign, err := s.channels.SMSSign(ctx)
	if err != nil {
		return nil, nil, err
	}
	newF := NewFiller
	if c.Preview {
		newF = NewPreviewFiller
	}
	f, err := newF(t, sign, c.Params, field.Params)
	if err != nil {
		return nil, nil, err
	}
	return f, t, nil
}
