package faketencent

import (
	"io"
	"net/http"
	"time"
)

// Fault is an answer the server gives instead of running the action.
type Fault struct {
	// Status is the HTTP status; 200 when zero.
	Status int
	// Code and Message form a Response.Error.
	Code, Message string
	// Body, when set, is written as is instead (e.g. a gateway error page).
	Body string
}

// Documented failures to inject with Fail.
var (
	// RequestLimitExceeded is the API's request frequency limit.
	RequestLimitExceeded = Fault{Code: "RequestLimitExceeded", Message: "Your current request times equals to `20` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls."}
	// DeliveryFrequencyLimit is the per-number frequency limit of SendSms.
	DeliveryFrequencyLimit = Fault{Code: "LimitExceeded.DeliveryFrequencyLimit", Message: "the delivery frequency limit is exceeded"}
	// InternalError is a service-side failure.
	InternalError = Fault{Code: "InternalError.OtherError", Message: "other error"}
	// BadGateway is a 502 from the gateway, without a JSON body.
	BadGateway = Fault{Status: http.StatusBadGateway, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
)

type fault struct {
	action string // "" matches every action
	left   int
	stall  bool
	answer Fault
	stop   <-chan struct{}
}

// Fail answers the next n calls of action ("" for any action) that pass
// the transport and signature checks with f.
func (s *Server) Fail(action string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{action: action, left: n, answer: f})
}

// Stall makes the next n calls of action ("" for any) hang until the
// client gives up (or the test ends), answering nothing.
func (s *Server) Stall(action string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{action: action, left: n, stall: true, stop: s.stop})
}

// RejectNumber makes SendSms fail number with code (e.g.
// "FailedOperation.PhoneNumberInBlacklist" or
// "LimitExceeded.PhoneNumberDailyLimit") in its SendStatus, the other
// numbers of the call going out; an empty code lifts it.
func (s *Server) RejectNumber(number, code, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.rejects, key(number))
		return
	}
	s.rejects[key(number)] = numberError{code, message}
}

// OmitStatus leaves number out of SendStatusSet (whether it was sent or
// not), as an answer missing a number would.
func (s *Server) OmitStatus(number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omit[key(number)] = true
}

// ReverseStatuses answers SendStatusSet in reverse order of
// PhoneNumberSet: the API does not promise the order.
func (s *Server) ReverseStatuses(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reverse = on
}

// CapMarketingPerDay enforces Tencent's per-number limit on marketing:
// at most perDay marketing messages to one number per day (China time);
// further numbers fail with LimitExceeded.PhoneNumberDailyLimit. 0 (the
// default) sets no cap.
func (s *Server) CapMarketingPerDay(perDay int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.capMarketing = perDay
}

func (s *Server) takeFault(action string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.action == "" || f.action == action {
			f.left--
			if f.left <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

func (f *fault) serve(c *call) {
	if f.stall {
		_, _ = io.Copy(io.Discard, c.r.Body)
		select {
		case <-c.r.Context().Done():
		case <-f.stop:
		case <-time.After(time.Minute):
		}
		return
	}
	status := f.answer.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.answer.Body != "" {
		c.w.Header().Set("Content-Type", "text/html")
		c.w.WriteHeader(status)
		_, _ = io.WriteString(c.w, f.answer.Body)
		return
	}
	c.error(status, f.answer.Code, f.answer.Message)
}
