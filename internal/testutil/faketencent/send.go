package faketencent

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNumbers is the PhoneNumberSet limit of one SendSms.
const MaxNumbers = 200

// Message is one accepted message to one number.
type Message struct {
	At time.Time
	// PhoneNumber is the number in E.164 form, +8613800138000.
	PhoneNumber string
	SignName    string
	TemplateID  string
	Kind        Kind
	Params      []string
	// Text is what the phone shows: 【SignName】 and the filled template.
	Text string
	// SerialNo is the number's own SerialNo.
	SerialNo       string
	SessionContext string
	Fee            int
}

// Sent returns the accepted messages, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

var (
	mainlandRE = regexp.MustCompile(`^(\+86|0086|86)?(1[3-9][0-9]{9})$`)
	e164RE     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// E164 returns n in the E.164 form SendSms answers with (+86 added to a
// mainland number without a country code), or "" when n is not a
// number the API takes.
func E164(n string) string {
	n = strings.TrimSpace(n)
	if m := mainlandRE.FindStringSubmatch(n); m != nil {
		return "+86" + m[2]
	}
	if e164RE.MatchString(n) && !strings.HasPrefix(n, "+86") {
		return n
	}
	return ""
}

// sendRequest is the SendSms payload (fields without omitempty, so
// decode can tell known fields).
type sendRequest struct {
	PhoneNumberSet   []string `json:"PhoneNumberSet"`
	SmsSdkAppID      *string  `json:"SmsSdkAppId"`
	TemplateID       *string  `json:"TemplateId"`
	SignName         *string  `json:"SignName"`
	TemplateParamSet []string `json:"TemplateParamSet"`
	ExtendCode       *string  `json:"ExtendCode"`
	SessionContext   *string  `json:"SessionContext"`
	SenderID         *string  `json:"SenderId"`
}

// SendStatus is one number's outcome in a SendSms answer.
type SendStatus struct {
	SerialNo       string `json:"SerialNo"`
	PhoneNumber    string `json:"PhoneNumber"`
	Fee            int    `json:"Fee"`
	SessionContext string `json:"SessionContext"`
	Code           string `json:"Code"`
	Message        string `json:"Message"`
	IsoCode        string `json:"IsoCode"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) sendSms(c *call) {
	var req sendRequest
	if !c.decode(&req) {
		return
	}
	switch {
	case len(req.PhoneNumberSet) == 0:
		c.refuse("MissingParameter", "The request is missing a required parameter `PhoneNumberSet`.", "no PhoneNumberSet")
		return
	case str(req.SmsSdkAppID) == "":
		c.refuse("MissingParameter", "The request is missing a required parameter `SmsSdkAppId`.", "no SmsSdkAppId")
		return
	case str(req.TemplateID) == "":
		c.refuse("MissingParameter", "The request is missing a required parameter `TemplateId`.", "no TemplateId")
		return
	case str(req.SmsSdkAppID) != SmsSdkAppID:
		c.refuse("InvalidParameterValue.SdkAppIdNotExist", "The SdkAppId does not exist.", "SmsSdkAppId "+str(req.SmsSdkAppID))
		return
	case len(req.PhoneNumberSet) > MaxNumbers:
		c.refuse("LimitExceeded.PhoneNumberCountLimit", "The number of phone numbers in a request exceeds the limit of 200.",
			fmt.Sprintf("%d numbers", len(req.PhoneNumberSet)))
		return
	}
	domestic, foreign := 0, 0
	for _, n := range req.PhoneNumberSet {
		switch e := E164(n); {
		case strings.HasPrefix(e, "+86"):
			domestic++
		case e != "":
			foreign++
		}
	}
	if domestic > 0 && foreign > 0 {
		c.refuse("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
			"The numbers contain both Mainland China and international numbers.", "mixed numbers")
		return
	}
	if domestic > 0 && str(req.SignName) == "" {
		c.refuse("MissingParameter", "The request is missing a required parameter `SignName`.", "no SignName for mainland numbers")
		return
	}

	s.mu.Lock()
	now := s.now()
	tpl, tplOK := s.template(str(req.TemplateID))
	sign, signOK := s.sign(str(req.SignName))
	statuses := make([]SendStatus, 0, len(req.PhoneNumberSet))
	var refusals []Refusal
	for _, n := range req.PhoneNumberSet {
		e := E164(n)
		st := SendStatus{PhoneNumber: e, SessionContext: str(req.SessionContext), Code: "Ok", Message: "send success", IsoCode: "CN"}
		if e == "" {
			st.PhoneNumber, st.IsoCode = n, "DEF"
		} else if !strings.HasPrefix(e, "+86") {
			st.IsoCode = "DEF"
		}
		code, msg := s.check(e, req, tpl, tplOK, sign, signOK, now)
		if code != "" {
			st.Code, st.Message = code, msg
			if s.omit[e] {
				continue
			}
			if r, injected := s.rejects[e]; !(injected && r.code == code) && !isProviderSide(code) {
				refusals = append(refusals, Refusal{Action: c.action, Number: n, Code: code, Reason: msg})
			}
			statuses = append(statuses, st)
			continue
		}
		text := "【" + sign.Name + "】" + tpl.fill(req.TemplateParamSet)
		if str(req.SignName) == "" {
			text = tpl.fill(req.TemplateParamSet)
		}
		s.nextSerial++
		st.SerialNo = fmt.Sprintf("2028:%019d", 6000000000000000000+s.nextSerial)
		st.Fee = Segments(text)
		s.sent = append(s.sent, Message{At: now, PhoneNumber: e, SignName: sign.Name, TemplateID: tpl.ID, Kind: tpl.Kind,
			Params: slices.Clone(req.TemplateParamSet), Text: text, SerialNo: st.SerialNo, SessionContext: st.SessionContext, Fee: st.Fee})
		if !s.omit[e] {
			statuses = append(statuses, st)
		}
	}
	if s.reverse {
		slices.Reverse(statuses)
	}
	s.refused = append(s.refused, refusals...)
	s.mu.Unlock()
	c.json(200, map[string]any{"SendStatusSet": statuses})
}

// isProviderSide reports whether a per-number code is the provider's
// doing (a cap, a blacklist, an internal failure) rather than an invalid
// request. Failures set with RejectNumber are never refusals.
func isProviderSide(code string) bool {
	return strings.HasPrefix(code, "LimitExceeded.") || code == "FailedOperation.PhoneNumberInBlacklist" || strings.HasPrefix(code, "InternalError")
}

// check returns the per-number error code of a SendSms entry, "" when it
// can go; s.mu is held.
func (s *Server) check(e string, req sendRequest, tpl Template, tplOK bool, sign Sign, signOK bool, now time.Time) (string, string) {
	if e == "" {
		return "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number format"
	}
	if str(req.SignName) != "" && (!signOK || sign.Status != Approved) {
		return "FailedOperation.SignatureIncorrectOrUnapproved", "signature format is incorrect or signature is not approved"
	}
	if !tplOK || tpl.Status != Approved {
		return "FailedOperation.TemplateIncorrectOrUnapproved", "template is not approved or request content does not match the approved template content"
	}
	if len(req.TemplateParamSet) != tpl.Params() {
		return "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
			fmt.Sprintf("the number of template parameters (%d) does not match the approved template (%d)", len(req.TemplateParamSet), tpl.Params())
	}
	if tpl.Kind == Verification {
		for _, p := range req.TemplateParamSet {
			if !verificationParamRE.MatchString(p) {
				return "InvalidParameterValue.TemplateParameterFormatError", "verification code template parameters must be 0-6 digits"
			}
		}
	}
	if r, ok := s.rejects[e]; ok {
		return r.code, r.message
	}
	if s.capMarketing > 0 && tpl.Kind == Marketing && s.marketingToday(e, now) >= s.capMarketing {
		return "LimitExceeded.PhoneNumberDailyLimit", "the number of SMS messages sent to this number today exceeds the limit"
	}
	return "", ""
}

var verificationParamRE = regexp.MustCompile(`^[0-9]{0,6}$`)

// marketingToday counts today's (China time) marketing messages to e;
// s.mu is held.
func (s *Server) marketingToday(e string, now time.Time) int {
	day := now.In(chinaTime).Format("20060102")
	n := 0
	for _, m := range s.sent {
		if m.PhoneNumber == e && m.Kind == Marketing && m.At.In(chinaTime).Format("20060102") == day {
			n++
		}
	}
	return n
}

// chinaTime is the zone of the dates the service shows (UTC+8).
var chinaTime = time.FixedZone("CST", 8*3600)

// Segments returns how many messages text is billed as (Fee): 70
// characters in one, 67 per message when longer (the signature counts).
func Segments(text string) int {
	n := utf8.RuneCountInString(text)
	if n <= 70 {
		return 1
	}
	return (n + 66) / 67
}
