package web

import (
	"context"
	"net/http"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// smsPick is the SMS part of a contact form on a channel that sends
// approved templates only: the templates a rep may choose, the chosen one
// and the variables the rep fills.
type smsPick struct {
	Provider  string
	Templates []*model.SMSTemplate // approved, not verification codes
	Chosen    *model.SMSTemplate
	Vars      []smsVar
	Marketing bool
}

// smsVar is one variable of the chosen template the rep fills.
type smsVar struct {
	Name, Label, Value string
}

// smsChoice is what a contact form says of its SMS template.
type smsChoice struct {
	TemplateID int64
	Params     map[string]string
	Marketing  bool
}

// readSMSChoice reads sms_template_id, sms_marketing and each
// sms_param.<variable>.
func readSMSChoice(r *http.Request) smsChoice {
	c := smsChoice{Marketing: r.FormValue("sms_marketing") != "", Params: map[string]string{}}
	if id := formID(r, "sms_template_id"); id != nil {
		c.TemplateID = *id
	}
	for k, v := range r.Form {
		if name, ok := strings.CutPrefix(k, "sms_param."); ok && len(v) > 0 && v[0] != "" {
			c.Params[name] = v[0]
		}
	}
	return c
}

// templateID is the choice's template, nil for none.
func (c smsChoice) templateID() *int64 {
	if c.TemplateID == 0 {
		return nil
	}
	id := c.TemplateID
	return &id
}

// smsPick loads the SMS channel's templates for a form: nil when the
// channel sends free text.
func (h *handler) smsPick(ctx context.Context, c smsChoice) (*smsPick, error) {
	p, templated, err := h.app.SMSTemplates.Provider(ctx)
	if err != nil || !templated {
		return nil, err
	}
	all, err := h.app.SMSTemplates.Templates(ctx)
	if err != nil {
		return nil, err
	}
	pick := &smsPick{Provider: p, Marketing: c.Marketing}
	for _, t := range all {
		if t.State == model.ReviewApproved && t.Kind != model.TemplateVerification {
			pick.Templates = append(pick.Templates, t)
		}
		if t.ID == c.TemplateID {
			pick.Chosen = t
		}
	}
	if pick.Chosen != nil {
		for _, v := range smstemplate.Variables(p, pick.Chosen.Content) {
			src := pick.Chosen.Variables[v]
			if src.Source == model.VarMerge || src.Source == model.VarConstant {
				continue
			}
			pick.Vars = append(pick.Vars, smsVar{Name: v, Label: src.Label, Value: c.Params[v]})
		}
	}
	return pick, nil
}

// smsPickView is the data of the "sms_template_pick" partial: the pick,
// the form's errors, where a change of template reloads the form, and the
// names of the form's template and parameter fields in errors.
type smsPickView struct {
	Pick                       *smsPick
	Errors                     model.ValidationErrors
	Post                       bool // the form reloads by POST (with its CSRF token), else by GET
	Action, Target             string
	TemplateField, ParamsField string
}

// ParamError names the error field of variable v.
func (v smsPickView) ParamError(name string) string { return v.ParamsField + "." + name }
