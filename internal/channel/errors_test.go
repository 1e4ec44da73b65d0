package channel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
)

func TestIsTransientAndReason(t *testing.T) {
	timeout := &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}
	for _, tc := range []struct {
		err       error
		transient bool
		reason    string
	}{
		{nil, false, ""},
		{errors.New("boom"), false, ReasonProviderError},
		{&Error{Reason: ReasonThrottled, Transient: true}, true, ReasonThrottled},
		{fmt.Errorf("wrapped: %w", &Error{Reason: ReasonInvalidMobile}), false, ReasonInvalidMobile},
		{context.DeadlineExceeded, true, ReasonTimeout},
		{context.Canceled, true, ReasonCanceled},
		{timeout, true, ReasonTimeout},
		{transportError("x", timeout), true, ReasonTimeout},
		{transportError("x", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), true, ReasonNetwork},
	} {
		if got := IsTransient(tc.err); got != tc.transient {
			t.Errorf("IsTransient(%v) = %v", tc.err, got)
		}
		if got := Reason(tc.err); got != tc.reason {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.reason)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Provider: "aliyun", Code: "isv.MOBILE_NUMBER_ILLEGAL", Reason: ReasonInvalidMobile, Detail: "非法手机号"}
	if got := e.Error(); got != "aliyun: invalid_mobile (isv.MOBILE_NUMBER_ILLEGAL): 非法手机号" {
		t.Errorf("Error() = %q", got)
	}
}

func TestReasonText(t *testing.T) {
	seenEn, seenZh := map[string]bool{}, map[string]bool{}
	for _, code := range Reasons() {
		en, zh := ReasonText(code, "en"), ReasonText(code, "zh-CN")
		if en == code || zh == code || en == zh {
			t.Errorf("%s: en %q zh %q", code, en, zh)
		}
		if seenEn[en] || seenZh[zh] {
			t.Errorf("%s: text shared with another reason", code)
		}
		seenEn[en], seenZh[zh] = true, true
		if ReasonText(code, "fr") != en {
			t.Errorf("%s: other languages must fall back to English", code)
		}
	}
	if ReasonText(ReasonInvalidMobile, "zh-CN") != "手机号码无效" {
		t.Error("zh-CN invalid_mobile")
	}
	if ReasonText("no_such_code", "en") != "no_such_code" {
		t.Error("unknown codes are returned unchanged")
	}
}

func TestHTTPStatusError(t *testing.T) {
	for status, want := range map[int]struct {
		reason    string
		transient bool
	}{
		429: {ReasonThrottled, true}, 500: {ReasonProviderError, true}, 502: {ReasonProviderError, true},
		401: {ReasonAuthFailed, false}, 403: {ReasonAuthFailed, false}, 400: {ReasonInvalidRequest, false},
		408: {ReasonTimeout, true}, 302: {ReasonProviderError, false},
	} {
		e := httpStatusError("p", status, "")
		if e.Reason != want.reason || e.Transient != want.transient {
			t.Errorf("%d: %+v", status, e)
		}
	}
}

func TestNewUnknownProvider(t *testing.T) {
	_, err := New("fax", []byte(`{}`), nil)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Provider != "fax" {
		t.Errorf("err = %v", err)
	}
	if _, err := New("webhook", []byte(`not json`), nil); err == nil {
		t.Error("invalid JSON accepted")
	}
}
