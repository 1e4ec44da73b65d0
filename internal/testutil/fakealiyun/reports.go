package fakealiyun

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Delivered is the receipt code of a delivered message.
const Delivered = "DELIVERED"

// receiptDelay is how long after sending the handset reports.
const receiptDelay = 3 * time.Second

// SetOutcome decides what the handset of number reports for its messages
// (earlier and later ones): Delivered (the default) or a failure code such
// as "MK:0001" or "IC:0015". An empty code means no receipt yet: the
// messages wait (SendStatus 1) and Reports leaves them out.
func (s *Server) SetOutcome(number, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes[NumberKey(number)] = code
}

// outcome returns number's receipt code and whether there is one; s.mu is
// held.
func (s *Server) outcome(number string) (string, bool) {
	code, ok := s.outcomes[NumberKey(number)]
	if !ok {
		return Delivered, true
	}
	return code, code != ""
}

// Report is one SmsReport receipt entry, as Aliyun pushes it.
type Report struct {
	PhoneNumber string `json:"phone_number"`
	SendTime    string `json:"send_time"`
	ReportTime  string `json:"report_time"`
	Success     bool   `json:"success"`
	ErrCode     string `json:"err_code"`
	ErrMsg      string `json:"err_msg"`
	SmsSize     string `json:"sms_size"`
	BizID       string `json:"biz_id"`
	OutID       string `json:"out_id"`
}

// Reports returns the receipts of the messages sent so far whose number
// has an outcome, in send order.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Report
	for _, m := range s.sent {
		code, ok := s.outcome(m.PhoneNumber)
		if !ok {
			continue
		}
		msg := "用户接收失败"
		if code == Delivered {
			msg = "用户接收成功"
		}
		out = append(out, Report{
			PhoneNumber: m.PhoneNumber,
			SendTime:    m.At.In(chinaTime).Format(dateTime),
			ReportTime:  m.At.Add(receiptDelay).In(chinaTime).Format(dateTime),
			Success:     code == Delivered,
			ErrCode:     code,
			ErrMsg:      msg,
			SmsSize:     strconv.Itoa(Segments(m.Text)),
			BizID:       m.BizID,
			OutID:       m.OutID,
		})
	}
	return out
}

// Segments returns how many messages text is billed as: 70 characters in
// one, 67 per message when longer (the signature counts).
func Segments(text string) int {
	n := utf8.RuneCountInString(text)
	if n <= 70 {
		return 1
	}
	return (n + 66) / 67
}

// Up is one SmsUp entry: a reply (上行) from a handset, as Aliyun pushes
// it.
type Up struct {
	PhoneNumber string `json:"phone_number"`
	SendTime    string `json:"send_time"`
	Content     string `json:"content"`
	SignName    string `json:"sign_name"`
	DestCode    string `json:"dest_code"`
	SequenceID  int64  `json:"sequence_id"`
}

// Reply records that number answered text to the last message it got
// (whose signature the reply carries) and returns the SmsUp entry.
func (s *Server) Reply(number, text string) Up {
	s.mu.Lock()
	defer s.mu.Unlock()
	sign := ""
	for _, m := range s.sent {
		if NumberKey(m.PhoneNumber) == NumberKey(number) {
			sign = m.SignName
		}
	}
	s.nextSeq++
	up := Up{PhoneNumber: NumberKey(number), SendTime: s.now().In(chinaTime).Format(dateTime),
		Content: text, SignName: sign, DestCode: "1234", SequenceID: s.nextSeq}
	s.replies = append(s.replies, up)
	return up
}

// Replies returns the replies recorded so far, in order.
func (s *Server) Replies() []Up {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Up(nil), s.replies...)
}
