package channel

import "context"

// Template kinds and review states, as TemplateLister reports them (the
// words of model's SMS template kinds and review states).
const (
	TemplateVerification  = "verification"
	TemplateNotice        = "notice"
	TemplateMarketing     = "marketing"
	TemplateInternational = "international"

	ReviewApproved  = "approved"
	ReviewPending   = "reviewing"
	ReviewRejected  = "rejected"
	ReviewWithdrawn = "withdrawn"
)

// ProviderTemplate is one SMS template as its provider lists it. Kind is
// empty when the provider does not say.
type ProviderTemplate struct {
	Code, Name, Kind, Content, State, ReviewNote string
}

// ProviderSignature is one SMS signature as its provider lists it.
type ProviderSignature struct {
	Name, State, ReviewNote string
}

// TemplateLister is implemented by SMS channels whose provider approves
// signatures and templates (Aliyun, Tencent Cloud): only an approved
// template, with its variables filled, may be sent.
type TemplateLister interface {
	// ListTemplates returns every template of the account.
	ListTemplates(ctx context.Context) ([]ProviderTemplate, error)
	// ListSignatures returns the signatures the provider lists.
	ListSignatures(ctx context.Context) ([]ProviderSignature, error)
}

// checkTemplate fails a message of a template provider that names no
// template while the channel has no default one.
func checkTemplate(provider, template string) error {
	if template != "" {
		return nil
	}
	return &Error{Provider: provider, Reason: ReasonTemplateRejected, Detail: "no template: the message names none and the channel has no default"}
}
