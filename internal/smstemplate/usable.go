package smstemplate

import (
	"touchbase/internal/model"
)

// Usable checks that t may go out in a contact: approved, not a
// verification-code template, a marketing template only in a send marked
// marketing and only with an opt-out phrase. The error names field (the
// form's template field) with a code the UI translates.
func Usable(t *model.SMSTemplate, marketing bool, field string) error {
	switch {
	case t.State != model.ReviewApproved:
		return model.NewFieldError(field, "template_not_approved", "the template is not approved ("+t.State+")")
	case t.Kind == model.TemplateVerification:
		return model.NewFieldError(field, "template_verification", "verification-code templates are not for contacting customers")
	case t.Kind == model.TemplateMarketing && !marketing:
		return model.NewFieldError(field, "template_marketing_only", "a marketing template may only be used in a send marked marketing")
	case t.Kind == model.TemplateMarketing && !HasOptOut(t.Content):
		return model.NewFieldError(field, "template_no_opt_out", "a marketing template must tell recipients how to opt out (e.g. 拒收请回复R)")
	}
	return nil
}
