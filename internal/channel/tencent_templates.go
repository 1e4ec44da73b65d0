package channel

import (
	"context"
	"strconv"
)

// tencentTemplatePage is the most DescribeSmsTemplateList returns in one
// call; tencentMaxPages bounds one listing.
const (
	tencentTemplatePage = 100
	tencentMaxPages     = 100
)

type tencentTemplateList struct {
	Response struct {
		tencentStatus
		DescribeTemplateStatusSet []struct {
			TemplateID      int64  `json:"TemplateId"`
			TemplateName    string `json:"TemplateName"`
			TemplateContent string `json:"TemplateContent"`
			StatusCode      int    `json:"StatusCode"`
			ReviewReply     string `json:"ReviewReply"`
		} `json:"DescribeTemplateStatusSet"`
	} `json:"Response"`
}

func (r *tencentTemplateList) status() *tencentStatus { return &r.Response.tencentStatus }

type tencentSignList struct {
	Response struct {
		tencentStatus
		DescribeSignListStatusSet []struct {
			SignID      int64  `json:"SignId"`
			SignName    string `json:"SignName"`
			StatusCode  int    `json:"StatusCode"`
			ReviewReply string `json:"ReviewReply"`
		} `json:"DescribeSignListStatusSet"`
	} `json:"Response"`
}

func (r *tencentSignList) status() *tencentStatus { return &r.Response.tencentStatus }

// ListTemplates pages through DescribeSmsTemplateList (mainland
// templates). Tencent does not say a template's kind: Kind is empty.
func (t *Tencent) ListTemplates(ctx context.Context) ([]ProviderTemplate, error) {
	var out []ProviderTemplate
	for page := 0; page < tencentMaxPages; page++ {
		var r tencentTemplateList
		req := map[string]any{"International": 0, "Limit": tencentTemplatePage, "Offset": page * tencentTemplatePage}
		if err := t.api(ctx, "DescribeSmsTemplateList", req, &r); err != nil {
			return nil, err
		}
		set := r.Response.DescribeTemplateStatusSet
		for _, s := range set {
			out = append(out, ProviderTemplate{Code: strconv.FormatInt(s.TemplateID, 10), Name: s.TemplateName,
				Content: s.TemplateContent, State: tencentState(s.StatusCode), ReviewNote: s.ReviewReply})
		}
		if len(set) < tencentTemplatePage {
			break
		}
	}
	return out, nil
}

// ListSignatures asks DescribeSmsSignList for the signatures the channel
// names in sign_ids: Tencent lists signatures by id only, so without ids
// there is nothing to ask and signatures are entered by hand.
func (t *Tencent) ListSignatures(ctx context.Context) ([]ProviderSignature, error) {
	if len(t.cfg.SignIDs) == 0 {
		return nil, nil
	}
	var r tencentSignList
	if err := t.api(ctx, "DescribeSmsSignList", map[string]any{"International": 0, "SignIdSet": t.cfg.SignIDs}, &r); err != nil {
		return nil, err
	}
	var out []ProviderSignature
	for _, s := range r.Response.DescribeSignListStatusSet {
		out = append(out, ProviderSignature{Name: s.SignName, State: tencentState(s.StatusCode), ReviewNote: s.ReviewReply})
	}
	return out, nil
}

// tencentState maps StatusCode: 0 approved, 1 under review, -1 rejected.
func tencentState(code int) string {
	switch code {
	case 0:
		return ReviewApproved
	case 1:
		return ReviewPending
	case -1:
		return ReviewRejected
	}
	return ReviewWithdrawn
}
