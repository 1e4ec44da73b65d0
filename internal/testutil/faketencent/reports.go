package faketencent

import "time"

// Delivered is the receipt errmsg of a delivered message.
const Delivered = "DELIVRD"

// receiptDelay is how long after sending the handset reports.
const receiptDelay = 3 * time.Second

// numberError is a per-number failure set with RejectNumber.
type numberError struct{ code, message string }

// SetOutcome decides what the handset of number reports for its messages
// (earlier and later ones): Delivered (the default, ReportStatus SUCCESS)
// or a carrier code such as "MI:0013" or "MK:0001" (FAIL). An empty code
// means no receipt yet: PullSmsSendStatus and Reports leave the messages
// out until an outcome is set.
func (s *Server) SetOutcome(number, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes[key(number)] = code
}

// key is the form numbers are compared in: E.164, or n itself when it is
// not a valid number.
func key(n string) string {
	if e := E164(n); e != "" {
		return e
	}
	return n
}

// outcome returns number's receipt errmsg and whether there is one; s.mu
// is held.
func (s *Server) outcome(number string) (string, bool) {
	code, ok := s.outcomes[key(number)]
	if !ok {
		return Delivered, true
	}
	return code, code != ""
}

// reportStatus returns the report_status and description of an errmsg.
func reportStatus(errmsg string) (string, string) {
	if errmsg == Delivered {
		return "SUCCESS", "用户短信送达成功"
	}
	return "FAIL", "用户短信接收失败"
}

// Report is one entry of a status callback (短信下发状态通知), as
// Tencent pushes it.
type Report struct {
	UserReceiveTime string `json:"user_receive_time"`
	NationCode      string `json:"nationcode"`
	Mobile          string `json:"mobile"`
	ReportStatus    string `json:"report_status"`
	ErrMsg          string `json:"errmsg"`
	Description     string `json:"description"`
	Sid             string `json:"sid"`
	// Ext carries the send's SessionContext when it had one; the current
	// callback reference does not list it, so it is left out when empty.
	Ext string `json:"ext,omitempty"`
}

// Reports returns the status callbacks of the messages sent so far whose
// number has an outcome, in send order. Unlike PullSmsSendStatus, it does
// not use them up.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Report
	for _, m := range s.sent {
		errmsg, ok := s.outcome(m.PhoneNumber)
		if !ok {
			continue
		}
		status, desc := reportStatus(errmsg)
		out = append(out, Report{
			UserReceiveTime: m.At.Add(receiptDelay).In(chinaTime).Format("2006-01-02 15:04:05"),
			NationCode:      countryCode(m.PhoneNumber),
			Mobile:          subscriber(m.PhoneNumber),
			ReportStatus:    status,
			ErrMsg:          errmsg,
			Description:     desc,
			Sid:             m.SerialNo,
			Ext:             m.SessionContext,
		})
	}
	return out
}

// Reply is a reply callback (短信回复): what a handset answered, as
// Tencent pushes it, one object per reply.
type Reply struct {
	Extend     string `json:"extend"`
	Mobile     string `json:"mobile"`
	NationCode string `json:"nationcode"`
	Sign       string `json:"sign"`
	Text       string `json:"text"`
	Time       int64  `json:"time"`
}

// Reply records that number answered text to the last message it got
// (whose signature the reply carries) and returns the callback.
func (s *Server) Reply(number, text string) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := key(number)
	sign := ""
	for _, m := range s.sent {
		if m.PhoneNumber == e {
			sign = m.SignName
		}
	}
	r := Reply{Mobile: subscriber(e), NationCode: countryCode(e), Sign: sign, Text: text, Time: s.now().Unix()}
	s.replies = append(s.replies, r)
	return r
}

// Replies returns the replies recorded so far, in order.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.replies...)
}
