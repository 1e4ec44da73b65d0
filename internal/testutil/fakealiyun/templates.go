package fakealiyun

import (
	"regexp"
	"strings"
	"time"
)

// AuditStatus is the review state of a signature or template, as
// QuerySmsSignList and QuerySmsTemplateList report it.
type AuditStatus string

// Review states. Only AuditPass may be used to send.
const (
	AuditInit    AuditStatus = "AUDIT_STATE_INIT"
	AuditPass    AuditStatus = "AUDIT_STATE_PASS"
	AuditNotPass AuditStatus = "AUDIT_STATE_NOT_PASS"
	// AuditSignCancel is a withdrawn signature's state.
	AuditSignCancel AuditStatus = "AUDIT_STATE_CANCEL"
	// AuditTemplateCancel is a withdrawn template's state, spelled as the
	// QuerySmsTemplateList reference spells it.
	AuditTemplateCancel AuditStatus = "AUDIT_SATE_CANCEL"
)

// Kind is a template's type (TemplateType / OuterTemplateType).
type Kind int

// Template kinds.
const (
	Verification  Kind = 0 // 验证码
	Notice        Kind = 1 // 短信通知
	Marketing     Kind = 2 // 推广短信
	International Kind = 3 // 国际/港澳台消息
)

// Sign is an SMS signature (短信签名).
type Sign struct {
	Name   string
	Status AuditStatus
	// BusinessType is the signature's use as the console shows it, e.g.
	// "验证码类型" or "通用类型"; "通用类型" when empty.
	BusinessType string
	// Reason is the reviewer's note of a rejected signature.
	Reason  string
	Created time.Time
}

// Template is an SMS template (短信模板).
type Template struct {
	// Code is the TemplateCode, e.g. SMS_154950909.
	Code string
	Name string
	// Content is the text with ${name} variables.
	Content string
	Kind    Kind
	Status  AuditStatus
	// Reason is the reviewer's note of a rejected template.
	Reason  string
	Created time.Time
}

var variableRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// Variables returns the names of the template's ${name} variables, in
// order of first use.
func (t Template) Variables() []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range variableRE.FindAllStringSubmatch(t.Content, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}

// fill returns the template's content with its variables replaced.
func (t Template) fill(params map[string]string) string {
	return variableRE.ReplaceAllStringFunc(t.Content, func(v string) string {
		return params[strings.TrimSuffix(strings.TrimPrefix(v, "${"), "}")]
	})
}

// AddSign adds or replaces a signature. A zero Status is AuditPass and a
// zero Created the server's clock.
func (s *Server) AddSign(sign Sign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sign.Status == "" {
		sign.Status = AuditPass
	}
	if sign.BusinessType == "" {
		sign.BusinessType = "通用类型"
	}
	if sign.Created.IsZero() {
		sign.Created = s.now()
	}
	if _, ok := s.signs[sign.Name]; !ok {
		s.signOrder = append(s.signOrder, sign.Name)
	}
	s.signs[sign.Name] = &sign
}

// AddTemplate adds or replaces a template. A zero Status is AuditPass and
// a zero Created the server's clock.
func (s *Server) AddTemplate(t Template) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Status == "" {
		t.Status = AuditPass
	}
	if t.Created.IsZero() {
		t.Created = s.now()
	}
	if _, ok := s.templates[t.Code]; !ok {
		s.tplOrder = append(s.tplOrder, t.Code)
	}
	s.templates[t.Code] = &t
}

// SetSignStatus changes a signature's review state; it reports whether the
// signature exists.
func (s *Server) SetSignStatus(name string, status AuditStatus, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sign, ok := s.signs[name]
	if ok {
		sign.Status, sign.Reason = status, reason
	}
	return ok
}

// SetTemplateStatus changes a template's review state (for instance to
// AuditNotPass to revoke it); it reports whether the template exists.
func (s *Server) SetTemplateStatus(code string, status AuditStatus, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.templates[code]
	if ok {
		t.Status, t.Reason = status, reason
	}
	return ok
}
