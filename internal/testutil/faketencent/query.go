package faketencent

import (
	"fmt"
	"strconv"
	"strings"
)

// describeRequest is the DescribeSmsTemplateList / DescribeSmsSignList
// payload.
type describeRequest struct {
	International *int64   `json:"International"`
	TemplateIDSet []uint64 `json:"TemplateIdSet"`
	SignIDSet     []uint64 `json:"SignIdSet"`
	Limit         *int64   `json:"Limit"`
	Offset        *int64   `json:"Offset"`
}

// describe decodes a describe request, refusing fields the action does
// not take.
func (c *call) describe(templates bool) (describeRequest, bool) {
	var req describeRequest
	if !c.decode(&req) {
		return req, false
	}
	switch {
	case templates && req.SignIDSet != nil:
		return req, c.refuse("UnknownParameter", "The parameter `SignIdSet` is not recognized.", "SignIdSet")
	case !templates && (req.TemplateIDSet != nil || req.Limit != nil || req.Offset != nil):
		return req, c.refuse("UnknownParameter", "DescribeSmsSignList takes SignIdSet and International only.", "template fields")
	case req.International == nil:
		return req, c.refuse("MissingParameter", "The request is missing a required parameter `International`.", "no International")
	case *req.International != 0 && *req.International != 1:
		return req, c.refuse("InvalidParameterValue", "International must be 0 or 1.", fmt.Sprint("International ", *req.International))
	}
	return req, true
}

func (s *Server) describeTemplates(c *call) {
	req, ok := c.describe(true)
	if !ok {
		return
	}
	if len(req.TemplateIDSet) > 100 {
		c.refuse("InvalidParameterValue", "TemplateIdSet takes at most 100 IDs.", fmt.Sprint(len(req.TemplateIDSet), " IDs"))
		return
	}
	if len(req.TemplateIDSet) == 0 {
		switch {
		case req.Limit == nil || req.Offset == nil:
			c.refuse("MissingParameter", "Limit and Offset are required when TemplateIdSet is empty.", "no Limit/Offset")
			return
		case *req.Limit < 1 || *req.Limit > 100 || *req.Offset < 0:
			c.refuse("InvalidParameterValue", "Limit must be 1-100 and Offset at least 0.", fmt.Sprint("Limit ", *req.Limit, " Offset ", *req.Offset))
			return
		}
	}
	s.mu.Lock()
	var list []*Template
	for _, t := range s.templates {
		if int64(t.International) == *req.International {
			list = append(list, t)
		}
	}
	set := []map[string]any{}
	if len(req.TemplateIDSet) > 0 {
		for _, id := range req.TemplateIDSet {
			for _, t := range list {
				if t.ID == strconv.FormatUint(id, 10) {
					set = append(set, templateStatus(t))
				}
			}
		}
	} else {
		lo := min(int(*req.Offset), len(list))
		hi := min(lo+int(*req.Limit), len(list))
		for _, t := range list[lo:hi] {
			set = append(set, templateStatus(t))
		}
	}
	s.mu.Unlock()
	c.json(200, map[string]any{"DescribeTemplateStatusSet": set})
}

func templateStatus(t *Template) map[string]any {
	id, _ := strconv.ParseUint(t.ID, 10, 64)
	return map[string]any{"TemplateId": id, "TemplateName": t.Name, "TemplateContent": t.Content,
		"StatusCode": int(t.Status), "ReviewReply": t.ReviewReply, "International": t.International, "CreateTime": t.Created.Unix()}
}

func (s *Server) describeSigns(c *call) {
	req, ok := c.describe(false)
	if !ok {
		return
	}
	if len(req.SignIDSet) == 0 || len(req.SignIDSet) > 100 {
		c.refuse("MissingParameter", "SignIdSet must hold 1-100 signature IDs.", fmt.Sprint(len(req.SignIDSet), " IDs"))
		return
	}
	s.mu.Lock()
	set := []map[string]any{}
	for _, id := range req.SignIDSet {
		for _, sg := range s.signs {
			if sg.ID == id && int64(sg.International) == *req.International {
				set = append(set, map[string]any{"SignId": sg.ID, "SignName": sg.Name, "StatusCode": int(sg.Status),
					"ReviewReply": sg.ReviewReply, "International": sg.International, "CreateTime": sg.Created.Unix()})
			}
		}
	}
	s.mu.Unlock()
	c.json(200, map[string]any{"DescribeSignListStatusSet": set})
}

// pullRequest is the PullSmsSendStatus payload.
type pullRequest struct {
	Limit       *int64  `json:"Limit"`
	SmsSdkAppID *string `json:"SmsSdkAppId"`
}

// pullStatus returns up to Limit receipts not pulled before; each is
// returned once.
func (s *Server) pullStatus(c *call) {
	var req pullRequest
	if !c.decode(&req) {
		return
	}
	switch {
	case req.Limit == nil:
		c.refuse("MissingParameter", "The request is missing a required parameter `Limit`.", "no Limit")
		return
	case str(req.SmsSdkAppID) == "":
		c.refuse("MissingParameter", "The request is missing a required parameter `SmsSdkAppId`.", "no SmsSdkAppId")
		return
	case *req.Limit < 1 || *req.Limit > 100:
		c.refuse("InvalidParameterValue", "Limit must be 1-100.", fmt.Sprint("Limit ", *req.Limit))
		return
	case str(req.SmsSdkAppID) != SmsSdkAppID:
		c.refuse("InvalidParameterValue.SdkAppIdNotExist", "The SdkAppId does not exist.", "SmsSdkAppId "+str(req.SmsSdkAppID))
		return
	}
	s.mu.Lock()
	set := []map[string]any{}
	for i, m := range s.sent {
		if len(set) == int(*req.Limit) {
			break
		}
		errmsg, ok := s.outcome(m.PhoneNumber)
		if !ok || s.pulled[i] {
			continue
		}
		s.pulled[i] = true
		status, desc := reportStatus(errmsg)
		set = append(set, map[string]any{
			"UserReceiveTime":  m.At.Add(receiptDelay).Unix(),
			"CountryCode":      countryCode(m.PhoneNumber),
			"SubscriberNumber": subscriber(m.PhoneNumber),
			"PhoneNumber":      m.PhoneNumber,
			"SerialNo":         m.SerialNo,
			"ReportStatus":     status,
			"Description":      desc,
			"SessionContext":   m.SessionContext,
		})
	}
	s.mu.Unlock()
	c.json(200, map[string]any{"PullSmsSendStatusSet": set})
}

// countryCode and subscriber split an E.164 number; only +86 is split
// exactly, other numbers are taken as a one-to-three digit code.
func countryCode(e string) string {
	if strings.HasPrefix(e, "+86") {
		return "86"
	}
	return e[1:2]
}

func subscriber(e string) string {
	return strings.TrimPrefix(e, "+"+countryCode(e))
}
