package bulk

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// smsTemplate checks the SMS template in names against the SMS channel and
// returns its filler: nil when the channel sends free text or the send has
// no SMS. A template channel with SMS text and no template is an error on
// sms_template_id; for a preview, empty values show as their labels.
func (s *Service) smsTemplate(ctx context.Context, in Input, preview bool) (*smstemplate.Filler, *model.SMSTemplate, error) {
	if s.templates == nil || (in.SMSTemplateID == nil && in.SMSText == "") {
		return nil, nil, nil
	}
	return s.templates.Prepare(ctx, smstemplate.Choice{TemplateID: in.SMSTemplateID, Params: in.SMSParams,
		Marketing: in.Marketing, Preview: preview}, smstemplate.Fields{Template: "sms_template_id", Params: "sms_params"})
}
