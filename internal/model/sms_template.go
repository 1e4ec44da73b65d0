package model

import "time"

// SMS template kinds, as the providers classify them.
const (
	TemplateVerification  = "verification"  // 验证码
	TemplateNotice        = "notice"        // 通知
	TemplateMarketing     = "marketing"     // 推广
	TemplateInternational = "international" // 国际/港澳台
)

// TemplateKinds lists every template kind.
var TemplateKinds = []string{TemplateNotice, TemplateMarketing, TemplateVerification, TemplateInternational}

// Review states of SMS templates and signatures at the provider.
const (
	ReviewApproved  = "approved"  // 审核通过: may be used
	ReviewPending   = "reviewing" // 审核中
	ReviewRejected  = "rejected"  // 未通过
	ReviewWithdrawn = "withdrawn" // cancelled, or no longer listed by the provider
)

// ReviewStates lists every review state.
var ReviewStates = []string{ReviewApproved, ReviewPending, ReviewRejected, ReviewWithdrawn}

// Where an SMS template or signature came from.
const (
	OriginSynced = "synced" // listed by the provider
	OriginManual = "manual" // entered by an admin
)

// Sources of a template variable's value.
const (
	VarMerge    = "merge"    // a merge field of the recipient (contact.name…)
	VarConstant = "constant" // the same text for every message
	VarRep      = "rep"      // filled by the rep when sending
)

// VarSource says what fills one template variable.
type VarSource struct {
	Source string `json:"source"`          // merge, constant or rep
	Field  string `json:"field,omitempty"` // the merge field, for merge
	Value  string `json:"value,omitempty"` // the text, for constant
	Label  string `json:"label,omitempty"` // what the rep is asked for, for rep
}

// SMSTemplate is an SMS template (短信模板) of one provider: only its
// variables change from message to message.
type SMSTemplate struct {
	ID         int64  `json:"id"`
	Provider   string `json:"provider"`
	Code       string `json:"code"` // Aliyun TemplateCode, Tencent TemplateId
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Content    string `json:"content"` // in the provider's syntax: ${name} or {1}
	State      string `json:"state"`
	ReviewNote string `json:"review_note"`
	Origin     string `json:"origin"`
	// SignName is the signature the template goes out under; empty: the
	// channel's.
	SignName string `json:"sign_name"`
	// Variables maps each variable of Content to what fills it; a
	// variable not mapped is filled by the rep.
	Variables map[string]VarSource `json:"variables"`
	SyncedAt  *time.Time           `json:"synced_at"`
	UpdatedAt time.Time            `json:"updated_at"`
}

// SMSSignature is an SMS signature (短信签名) of one provider.
type SMSSignature struct {
	ID         int64      `json:"id"`
	Provider   string     `json:"provider"`
	Name       string     `json:"name"`
	State      string     `json:"state"`
	ReviewNote string     `json:"review_note"`
	Origin     string     `json:"origin"`
	SyncedAt   *time.Time `json:"synced_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}
