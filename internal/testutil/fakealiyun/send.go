package fakealiyun

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Limits of the send calls.
const (
	MaxSendSms      = 1000 // PhoneNumbers of one SendSms
	MaxSendBatchSms = 100  // entries of one SendBatchSms
)

// Message is one accepted message to one number.
type Message struct {
	At time.Time
	// Action is SendSms or SendBatchSms.
	Action string
	// PhoneNumber is the number as the request gave it.
	PhoneNumber  string
	SignName     string
	TemplateCode string
	Kind         Kind
	Params       map[string]string
	// Text is what the phone shows: 【SignName】 and the filled template.
	Text string
	// BizID is the call's BizId, shared by every number of the call.
	BizID string
	OutID string
}

// Sent returns the accepted messages, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

var (
	mainlandRE = regexp.MustCompile(`^(\+|00)?(86)?1[3-9][0-9]{9}$`)
	intlRE     = regexp.MustCompile(`^(\+|00)?[1-9][0-9]{7,14}$`)
)

// validNumber reports whether n is a number dysmsapi takes: a mainland
// number with or without +86/0086/86, or country code + number.
func validNumber(n string) bool { return mainlandRE.MatchString(n) || intlRE.MatchString(n) }

// NumberKey is the form numbers are compared in (SetOutcome, caps,
// QuerySendDetails): mainland numbers as 11 digits, others as country
// code + number without "+" or "00".
func NumberKey(n string) string {
	n = strings.TrimSpace(n)
	if mainlandRE.MatchString(n) {
		return n[len(n)-11:]
	}
	n = strings.TrimPrefix(n, "+")
	return strings.TrimPrefix(n, "00")
}

// entry is one number of a send call, before it is accepted.
type entry struct {
	number, sign string
	params       map[string]string
}

func (s *Server) sendSms(c *call) {
	if !c.require("PhoneNumbers", "SignName", "TemplateCode") {
		return
	}
	numbers := strings.Split(c.params.Get("PhoneNumbers"), ",")
	if len(numbers) > MaxSendSms {
		c.refuse(http.StatusOK, "isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制", fmt.Sprintf("%d numbers", len(numbers)))
		return
	}
	params, ok := c.templateParam(c.params.Get("TemplateParam"), c.params.Has("TemplateParam"))
	if !ok {
		return
	}
	entries := make([]entry, len(numbers))
	for i, n := range numbers {
		entries[i] = entry{number: n, sign: c.params.Get("SignName"), params: params}
	}
	s.accept(c, c.params.Get("TemplateCode"), entries, c.params.Get("OutId"))
}

func (s *Server) sendBatchSms(c *call) {
	if !c.require("PhoneNumberJson", "SignNameJson", "TemplateCode") {
		return
	}
	var numbers, signs []string
	if json.Unmarshal([]byte(c.params.Get("PhoneNumberJson")), &numbers) != nil {
		c.refuse(http.StatusOK, "isv.INVALID_PARAMETERS", "参数异常", "PhoneNumberJson is not a JSON array of strings")
		return
	}
	if json.Unmarshal([]byte(c.params.Get("SignNameJson")), &signs) != nil {
		c.refuse(http.StatusOK, "isv.INVALID_PARAMETERS", "参数异常", "SignNameJson is not a JSON array of strings")
		return
	}
	if len(numbers) > MaxSendBatchSms {
		c.refuse(http.StatusOK, "isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制", fmt.Sprintf("%d numbers", len(numbers)))
		return
	}
	if len(numbers) == 0 || len(signs) != len(numbers) {
		c.refuse(http.StatusOK, "isv.INVALID_PARAMETERS", "参数异常", fmt.Sprintf("%d numbers, %d sign names", len(numbers), len(signs)))
		return
	}
	var raw []json.RawMessage
	if c.params.Has("TemplateParamJson") {
		if json.Unmarshal([]byte(c.params.Get("TemplateParamJson")), &raw) != nil {
			c.refuse(http.StatusOK, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值", "TemplateParamJson is not a JSON array")
			return
		}
		if len(raw) != len(numbers) {
			c.refuse(http.StatusOK, "isv.INVALID_PARAMETERS", "参数异常", fmt.Sprintf("%d numbers, %d parameter sets", len(numbers), len(raw)))
			return
		}
	}
	entries := make([]entry, len(numbers))
	for i, n := range numbers {
		entries[i] = entry{number: n, sign: signs[i]}
		if raw != nil {
			p, ok := c.templateParam(string(raw[i]), true)
			if !ok {
				return
			}
			entries[i].params = p
		}
	}
	s.accept(c, c.params.Get("TemplateCode"), entries, c.params.Get("OutId"))
}

// require refuses the request when a required parameter is missing, with
// the gateway's Missing<Name> code.
func (c *call) require(names ...string) bool {
	for _, n := range names {
		if strings.TrimSpace(c.params.Get(n)) == "" {
			return c.refuse(http.StatusBadRequest, "Missing"+n, n+" is mandatory for this action.", "missing "+n)
		}
	}
	return true
}

// templateParam parses one TemplateParam JSON object of string values.
func (c *call) templateParam(raw string, present bool) (map[string]string, bool) {
	if !present {
		return nil, true
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, c.refuse(http.StatusOK, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值", "TemplateParam is not a JSON object: "+raw)
	}
	p := make(map[string]string, len(obj))
	for k, v := range obj {
		str, ok := v.(string)
		if !ok {
			return nil, c.refuse(http.StatusOK, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值", "TemplateParam value of "+k+" is not a string")
		}
		p[k] = str
	}
	return p, true
}

// accept checks the numbers, signatures, template and variables of a send
// call and records its messages under one BizId.
func (s *Server) accept(c *call, code string, entries []entry, outID string) {
	for _, e := range entries {
		if !validNumber(strings.TrimSpace(e.number)) {
			c.refuse(http.StatusOK, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号", "number "+e.number)
			return
		}
	}
	s.mu.Lock()
	tpl, tplOK := s.templates[code]
	var t Template
	if tplOK {
		t = *tpl
	}
	signs := map[string]Sign{}
	for _, e := range entries {
		if sign, ok := s.signs[e.sign]; ok {
			signs[e.sign] = *sign
		}
	}
	s.mu.Unlock()
	for _, e := range entries {
		sign, ok := signs[e.sign]
		switch {
		case !ok:
			c.refuse(http.StatusOK, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名", "unknown sign "+e.sign)
			return
		case sign.Status != AuditPass:
			c.refuse(http.StatusOK, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法", "sign "+e.sign+" is "+string(sign.Status))
			return
		}
	}
	switch {
	case !tplOK:
		c.refuse(http.StatusOK, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板", "unknown template "+code)
		return
	case t.Status != AuditPass:
		c.refuse(http.StatusOK, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)", "template "+code+" is "+string(t.Status))
		return
	}
	for _, e := range entries {
		if signs[e.sign].BusinessType == "验证码类型" && t.Kind != Verification {
			c.refuse(http.StatusOK, "isv.SMS_SIGNATURE_SCENE_ILLEGAL", "签名和模板类型不一致", "verification sign "+e.sign+" with a non-verification template")
			return
		}
		if !c.checkVariables(t, e.params) {
			return
		}
	}
	s.mu.Lock()
	now := s.now()
	if s.capNotices > 0 && t.Kind == Notice {
		for _, e := range entries {
			if s.sentToday(NumberKey(e.number), code, now) >= s.capNotices {
				s.mu.Unlock()
				c.error(http.StatusOK, "isv.BUSINESS_LIMIT_CONTROL", fmt.Sprintf("触发天级流控Permits:%d", s.capNotices))
				return
			}
		}
	}
	s.nextBiz++
	biz := fmt.Sprintf("%d^0", s.nextBiz)
	for _, e := range entries {
		s.sent = append(s.sent, Message{At: now, Action: c.action, PhoneNumber: e.number, SignName: e.sign,
			TemplateCode: code, Kind: t.Kind, Params: e.params, Text: "【" + e.sign + "】" + t.fill(e.params),
			BizID: biz, OutID: outID})
	}
	s.mu.Unlock()
	c.ok(map[string]any{"BizId": biz})
}

// checkVariables refuses parameters that are not exactly the template's
// variables.
func (c *call) checkVariables(t Template, params map[string]string) bool {
	vars := t.Variables()
	for _, v := range vars {
		if _, ok := params[v]; !ok {
			return c.refuse(http.StatusOK, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量", "template "+t.Code+" needs ${"+v+"}")
		}
	}
	for k := range params {
		if !slices.Contains(vars, k) {
			return c.refuse(http.StatusOK, "isv.SMS_TEMPLATE_ILLEGAL", "模板变量与模板不匹配", "template "+t.Code+" has no ${"+k+"}")
		}
	}
	return true
}

// sentToday counts the messages of template to number on now's day (China
// time); s.mu is held.
func (s *Server) sentToday(number, template string, now time.Time) int {
	day := now.In(chinaTime).Format("20060102")
	n := 0
	for _, m := range s.sent {
		if m.TemplateCode == template && NumberKey(m.PhoneNumber) == number && m.At.In(chinaTime).Format("20060102") == day {
			n++
		}
	}
	return n
}

// chinaTime is the zone of dates the service shows (UTC+8).
var chinaTime = time.FixedZone("CST", 8*3600)
