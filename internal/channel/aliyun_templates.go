package channel

import (
	"context"
	"net/url"
	"strconv"
)

// aliyunPageSize is the most QuerySmsTemplateList and QuerySmsSignList
// return in one page; aliyunMaxPages bounds one listing.
const (
	aliyunPageSize = 50
	aliyunMaxPages = 200
)

type aliyunReason struct {
	RejectInfo    string `json:"RejectInfo"`
	RejectSubInfo string `json:"RejectSubInfo"`
}

func (r aliyunReason) note() string {
	if r.RejectInfo == "" || r.RejectInfo == "无审核备注" {
		return ""
	}
	if r.RejectSubInfo != "" && r.RejectSubInfo != r.RejectInfo {
		return r.RejectInfo + "：" + r.RejectSubInfo
	}
	return r.RejectInfo
}

type aliyunTemplateList struct {
	aliyunResponse
	TotalCount      int `json:"TotalCount"`
	SmsTemplateList []struct {
		TemplateCode      string       `json:"TemplateCode"`
		TemplateName      string       `json:"TemplateName"`
		TemplateContent   string       `json:"TemplateContent"`
		OuterTemplateType *int         `json:"OuterTemplateType"`
		TemplateType      *int         `json:"TemplateType"`
		AuditStatus       string       `json:"AuditStatus"`
		Reason            aliyunReason `json:"Reason"`
	} `json:"SmsTemplateList"`
}

type aliyunSignList struct {
	aliyunResponse
	TotalCount  int `json:"TotalCount"`
	SmsSignList []struct {
		SignName    string       `json:"SignName"`
		AuditStatus string       `json:"AuditStatus"`
		Reason      aliyunReason `json:"Reason"`
	} `json:"SmsSignList"`
}

// ListTemplates pages through QuerySmsTemplateList.
func (a *Aliyun) ListTemplates(ctx context.Context) ([]ProviderTemplate, error) {
	var out []ProviderTemplate
	for page := 1; page <= aliyunMaxPages; page++ {
		var r aliyunTemplateList
		if err := a.rpc(ctx, "QuerySmsTemplateList", aliyunPage(page), &r); err != nil {
			return nil, err
		}
		for _, t := range r.SmsTemplateList {
			kind := t.OuterTemplateType
			if kind == nil {
				kind = t.TemplateType
			}
			out = append(out, ProviderTemplate{Code: t.TemplateCode, Name: t.TemplateName, Content: t.TemplateContent,
				Kind: aliyunKind(kind), State: aliyunState(t.AuditStatus), ReviewNote: t.Reason.note()})
		}
		if len(r.SmsTemplateList) < aliyunPageSize || len(out) >= r.TotalCount {
			break
		}
	}
	return out, nil
}

// ListSignatures pages through QuerySmsSignList.
func (a *Aliyun) ListSignatures(ctx context.Context) ([]ProviderSignature, error) {
	var out []ProviderSignature
	for page := 1; page <= aliyunMaxPages; page++ {
		var r aliyunSignList
		if err := a.rpc(ctx, "QuerySmsSignList", aliyunPage(page), &r); err != nil {
			return nil, err
		}
		for _, s := range r.SmsSignList {
			out = append(out, ProviderSignature{Name: s.SignName, State: aliyunState(s.AuditStatus), ReviewNote: s.Reason.note()})
		}
		if len(r.SmsSignList) < aliyunPageSize || len(out) >= r.TotalCount {
			break
		}
	}
	return out, nil
}

func aliyunPage(page int) url.Values {
	return url.Values{"PageIndex": {strconv.Itoa(page)}, "PageSize": {strconv.Itoa(aliyunPageSize)}}
}

// aliyunKind maps OuterTemplateType: 0 verification code, 1 notice, 2
// promotion, 3 international; others (7, digital SMS) are left to the admin.
func aliyunKind(t *int) string {
	if t == nil {
		return ""
	}
	switch *t {
	case 0:
		return TemplateVerification
	case 1:
		return TemplateNotice
	case 2:
		return TemplateMarketing
	case 3:
		return TemplateInternational
	}
	return ""
}

// aliyunState maps AuditStatus. The docs spell the cancelled state both
// AUDIT_STATE_CANCEL and AUDIT_SATE_CANCEL.
func aliyunState(s string) string {
	switch s {
	case "AUDIT_STATE_PASS":
		return ReviewApproved
	case "AUDIT_STATE_INIT":
		return ReviewPending
	case "AUDIT_STATE_NOT_PASS":
		return ReviewRejected
	}
	return ReviewWithdrawn
}
