package channel

import (
	"errors"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

var enhancedCodeRE = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)

// smtpDialError classifies a failure to connect, greet, start TLS or
// authenticate.
func smtpDialError(err error) *Error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e := smtpReplyError(tp.Code, tp.Msg)
		if strings.Contains(err.Error(), "SMTP AUTH failed") {
			e.Reason, e.Transient = ReasonAuthFailed, tp.Code/100 == 4
		}
		return e
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not support SMTP AUTH"), strings.Contains(msg, "does not support STARTTLS"),
		strings.Contains(msg, "AUTH") && strings.Contains(msg, "not supported"):
		return &Error{Provider: ProviderSMTP, Reason: ReasonInvalidRequest, Detail: msg, Err: err}
	}
	return transportError(ProviderSMTP, err)
}

// smtpError classifies the failure of one message.
func smtpError(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if code == 0 {
			// No server reply: the connection broke or timed out.
			e := &Error{Provider: ProviderSMTP, Reason: ReasonNetwork, Transient: true, Detail: se.Error(), Err: err}
			if strings.Contains(strings.ToLower(se.Error()), "timeout") {
				e.Reason = ReasonTimeout
			}
			if se.Reason == gomail.ErrGetRcpts || se.Reason == gomail.ErrGetSender {
				e.Reason, e.Transient = ReasonInvalidEmail, false
			}
			return e
		}
		return smtpReplyError(code, se.Error())
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return smtpReplyError(tp.Code, tp.Msg)
	}
	return transportError(ProviderSMTP, err)
}

// smtpReplyError classifies an SMTP reply code, refined by the RFC 3463
// enhanced status code found in text.
func smtpReplyError(code int, text string) *Error {
	enhanced := enhancedCodeRE.FindStringSubmatch(text)
	e := &Error{Provider: ProviderSMTP, Code: strconv.Itoa(code), Detail: strings.TrimSpace(text),
		Reason: ReasonProviderError, Transient: code/100 == 4}
	subject, detail := "", ""
	if enhanced != nil {
		e.Code += " " + enhanced[0]
		subject, detail = enhanced[2], enhanced[3]
	}
	switch {
	case code == 530 || code == 534 || code == 535:
		e.Reason = ReasonAuthFailed
	case code/100 == 4 && subject == "7":
		e.Reason = ReasonThrottled
	case code/100 == 4:
		e.Reason = ReasonProviderError
	case subject == "1":
		e.Reason = ReasonInvalidEmail
	case subject == "7":
		e.Reason = ReasonBlocked
	case subject == "6", subject == "3" && detail == "4":
		e.Reason = ReasonContentRejected
	case enhanced == nil && (code == 550 || code == 551 || code == 553):
		e.Reason = ReasonInvalidEmail
	}
	return e
}
