package channel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"

	"touchbase/internal/outbound"
)

// Stable reason codes of delivery failures. They are stored with each
// failed recipient and shown to users through ReasonText.
const (
	ReasonInvalidMobile    = "invalid_mobile"    // the number is not a valid mobile number
	ReasonInvalidEmail     = "invalid_email"     // the address is malformed or the mailbox does not exist
	ReasonBlocked          = "blocked"           // the recipient unsubscribed or is on a block list
	ReasonTemplateRejected = "template_rejected" // the template is not approved or its parameters do not match
	ReasonSignRejected     = "sign_rejected"     // the SMS signature (签名) is not approved or not usable
	ReasonContentRejected  = "content_rejected"  // the content is forbidden, too long or empty
	ReasonAuthFailed       = "auth_failed"       // the provider refused our credentials or permissions
	ReasonQuotaExceeded    = "quota_exceeded"    // balance exhausted or a daily/monthly cap reached
	ReasonThrottled        = "throttled"         // the provider asks us to slow down
	ReasonTimeout          = "timeout"           // no answer in time; the message may or may not have been accepted
	ReasonNetwork          = "network_error"     // the provider could not be reached
	ReasonInvalidRequest   = "invalid_request"   // the provider rejected the request's parameters
	ReasonProviderError    = "provider_error"    // any other provider failure
	ReasonCanceled         = "canceled"          // the send was canceled before it completed
)

// Error is a delivery failure reported by, or on the way to, a provider.
type Error struct {
	// Provider is the channel's provider name ("aliyun", "smtp"…).
	Provider string
	// Code is the provider's own error code ("isv.MOBILE_NUMBER_ILLEGAL",
	// "21211", "550 5.1.1"…), or an HTTP status when it gave none.
	Code string
	// Reason is one of the Reason* codes.
	Reason string
	// Transient reports whether sending again later may succeed.
	Transient bool
	// Detail is the provider's own message.
	Detail string
	// Err is the underlying error, if any (network errors).
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Provider + ": " + e.Reason
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// IsTransient reports whether err is a failure that may succeed when sent
// again later: an *Error marked transient, a timeout, a network error or a
// canceled context (the send was interrupted, not refused). Nil and
// unknown errors are not transient.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Transient
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Reason returns the reason code of err: the Reason of an *Error, "timeout"
// for timeouts, "canceled" for a canceled context, "provider_error"
// otherwise and "" for nil.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var ce *Error
	switch {
	case errors.As(err, &ce):
		return ce.Reason
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	case IsTransient(err):
		return ReasonTimeout
	}
	return ReasonProviderError
}

// transportError turns an error from an HTTP client or a dialer into an
// *Error: timeouts and network failures are transient, certificate errors
// are permanent.
func transportError(provider string, err error) *Error {
	e := &Error{Provider: provider, Reason: ReasonNetwork, Transient: true, Detail: err.Error(), Err: err}
	var ne net.Error
	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.Canceled):
		e.Reason = ReasonCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		e.Reason = ReasonTimeout
	case outbound.Refused(err):
		// An address the server may not reach, or a redirect: settings
		// to fix, not failures that go away.
		e.Transient = false
		if _, redirect := errors.AsType[*outbound.RedirectError](err); redirect {
			e.Reason = ReasonProviderError
		}
	case errors.As(err, &verifyErr), errors.As(err, &authorityErr), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		// The server's certificate is not trusted: a setting to fix, not
		// a failure that goes away.
		e.Transient = false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// The URL may carry credentials in its query; keep only the cause.
		e.Detail = ue.Err.Error()
	}
	return e
}

// contextError reports a batch member that was not attempted because ctx
// ended.
func contextError(provider string, err error) *Error {
	return transportError(provider, fmt.Errorf("not sent: %w", err))
}

// httpStatusError classifies a failed HTTP response that carried no
// recognised provider error code.
func httpStatusError(provider string, status int, detail string) *Error {
	e := &Error{Provider: provider, Code: fmt.Sprintf("HTTP %d", status), Detail: detail}
	switch {
	case status == 429:
		e.Reason, e.Transient = ReasonThrottled, true
	case status >= 500:
		e.Reason, e.Transient = ReasonProviderError, true
	case status == 401 || status == 403:
		e.Reason = ReasonAuthFailed
	case status == 408:
		e.Reason, e.Transient = ReasonTimeout, true
	case status >= 400:
		e.Reason = ReasonInvalidRequest
	default:
		e.Reason = ReasonProviderError
	}
	return e
}
