package fakealiyun

import (
	"io"
	"net/http"
	"time"
)

// Fault is an answer the server gives instead of running the action.
type Fault struct {
	// Status is the HTTP status; 200 when zero.
	Status int
	// Code and Message form an Aliyun error answer.
	Code, Message string
	// Body, when set, is written as is instead (e.g. an HTML error page).
	Body string
}

// Documented failures to inject with Fail.
var (
	// BusinessLimit is the per-number frequency control of SendSms.
	BusinessLimit = Fault{Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发分钟级流控Permits:1"}
	// ThrottlingUser is the gateway's per-account flow control.
	ThrottlingUser = Fault{Status: http.StatusBadRequest, Code: "Throttling.User", Message: "Request was denied due to user flow control."}
	// InternalError is a server error with an error body.
	InternalError = Fault{Status: http.StatusInternalServerError, Code: "InternalError", Message: "The request processing has failed due to some unknown error."}
	// Unavailable is a 503 from the load balancer, without a JSON body.
	Unavailable = Fault{Status: http.StatusServiceUnavailable, Body: "<html><body><h1>503 Service Unavailable</h1></body></html>"}
)

// fault is an injected misbehaviour for the next calls of an action.
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

// CapNoticesPerTemplate enforces Aliyun's per-number limit on notices:
// at most perDay messages of one notice template to one number per day
// (China time); further sends fail with isv.BUSINESS_LIMIT_CONTROL. 0
// (the default) sets no cap.
func (s *Server) CapNoticesPerTemplate(perDay int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.capNotices = perDay
}

// takeFault returns the first pending fault for action, using it up.
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

// serve answers c with the fault.
func (f *fault) serve(c *call) {
	if f.stall {
		_, _ = io.Copy(io.Discard, c.r.Body) // lets the server notice the client leaving
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
