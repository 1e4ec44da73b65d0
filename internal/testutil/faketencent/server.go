package faketencent

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// The fixed credentials and application the server accepts.
const (
	SecretID    = "AKIDfakeTencentSecretId"
	SecretKey   = "fakeTencentSecretKey"
	SmsSdkAppID = "1400006666"
)

// APIVersion is the SMS API version the server answers.
const APIVersion = "2021-01-11"

// Regions lists the X-TC-Region values the SMS API takes.
var Regions = []string{"ap-guangzhou", "ap-beijing", "ap-nanjing"}

// Request is one request the server received, valid or not.
type Request struct {
	Action string
	Header http.Header
	Body   []byte
	// Refused is the reason the server refused the whole request for
	// being invalid; empty otherwise (injected faults do not count).
	Refused string
}

// Refusal is a request, or one number of a SendSms, refused for being
// invalid.
type Refusal struct {
	Action string
	// Number is set when only that number of a SendSms was refused.
	Number string
	// Code is the Tencent error code answered.
	Code   string
	Reason string
}

// Server is the fake SMS API endpoint. All its methods are safe for
// concurrent use.
type Server struct {
	srv  *httptest.Server
	stop chan struct{}

	mu           sync.Mutex
	now          func() time.Time
	requests     []Request
	calls        map[string]int
	refused      []Refusal
	signs        []*Sign
	templates    []*Template
	sent         []Message
	pulled       map[int]bool
	outcomes     map[string]string
	rejects      map[string]numberError
	omit         map[string]bool
	reverse      bool
	replies      []Reply
	faults       []*fault
	capMarketing int
	nextSerial   int64
	nextReq      int
}

// New starts a server accepting SecretID / SecretKey and SmsSdkAppID; it
// is closed when t ends. It checks X-TC-Timestamp against the wall clock.
func New(t testing.TB) *Server {
	s := &Server{
		stop:     make(chan struct{}),
		now:      time.Now,
		calls:    map[string]int{},
		pulled:   map[int]bool{},
		outcomes: map[string]string{},
		rejects:  map[string]numberError{},
		omit:     map[string]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.stop) }) // runs first: ends stalled calls
	return s
}

// URL is the server's base URL, to use as the provider endpoint.
func (s *Server) URL() string { return s.srv.URL }

// Config returns the JSON configuration of the product's "tencent"
// provider (secret_id, secret_key, sms_sdk_app_id, sign_name,
// template_id, endpoint) pointing at the server; extra fields (such as
// param_order or text_param) are added as given.
func (s *Server) Config(signName, templateID string, extra map[string]any) []byte {
	cfg := map[string]any{
		"secret_id":      SecretID,
		"secret_key":     SecretKey,
		"sms_sdk_app_id": SmsSdkAppID,
		"sign_name":      signName,
		"template_id":    templateID,
		"endpoint":       s.srv.URL,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic("faketencent: " + err.Error())
	}
	return b
}

// SetClock sets the clock against which X-TC-Timestamp is checked (five
// minutes either way) and which dates messages and receipts; time.Now by
// default.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Calls returns how many requests named action in X-TC-Action, valid or
// not; "" counts every request.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if action == "" {
		return len(s.requests)
	}
	return s.calls[action]
}

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Refused returns the requests and numbers refused for being invalid, in
// order.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refused...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action := r.Header.Get("X-TC-Action")
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{Action: action, Header: r.Header.Clone(), Body: body})
	s.calls[action]++
	s.mu.Unlock()

	c := &call{s: s, w: w, r: r, idx: idx, action: action, body: body}
	if !c.checkTransport() || !c.checkSignature() {
		return
	}
	if f := s.takeFault(action); f != nil {
		f.serve(c)
		return
	}
	switch action {
	case "SendSms":
		s.sendSms(c)
	case "DescribeSmsTemplateList":
		s.describeTemplates(c)
	case "DescribeSmsSignList":
		s.describeSigns(c)
	case "PullSmsSendStatus":
		s.pullStatus(c)
	}
}

// call is one request being answered.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	idx    int
	action string
	body   []byte
}

// checkTransport checks method, path, content type and the X-TC-Action,
// X-TC-Version and X-TC-Region headers.
func (c *call) checkTransport() bool {
	r := c.r
	ct := r.Header.Get("Content-Type")
	switch {
	case r.Method != http.MethodPost:
		return c.refuse("InvalidParameter", "The request method must be POST for a JSON body.", "method "+r.Method)
	case r.URL.Path != "/":
		return c.refuse("InvalidAction", "The requested path does not exist.", "path "+r.URL.Path)
	case ct != "application/json; charset=utf-8" && ct != "application/json":
		return c.refuse("InvalidParameter", "The Content-Type must be application/json.", "Content-Type "+ct)
	}
	switch c.action {
	case "SendSms", "DescribeSmsTemplateList", "DescribeSmsSignList", "PullSmsSendStatus":
	case "":
		return c.refuse("MissingParameter", "The request is missing a required parameter `Action`.", "no X-TC-Action")
	default:
		return c.refuse("InvalidAction", "The requested action `"+c.action+"` does not exist.", "action "+c.action)
	}
	if v := r.Header.Get("X-TC-Version"); v != APIVersion {
		return c.refuse("NoSuchVersion", "The requested version `"+v+"` of service `sms` does not exist.", "X-TC-Version "+v)
	}
	region := r.Header.Get("X-TC-Region")
	for _, reg := range Regions {
		if region == reg {
			return true
		}
	}
	if region == "" {
		return c.refuse("MissingParameter", "The request is missing a required parameter `Region`.", "no X-TC-Region")
	}
	return c.refuse("UnsupportedRegion", "The action `"+c.action+"` does not support region `"+region+"`.", "region "+region)
}

// refuse answers an invalid request with a Response.Error and records
// why. It returns false so checks can return it.
func (c *call) refuse(code, message, reason string) bool {
	s := c.s
	s.mu.Lock()
	s.requests[c.idx].Refused = code + ": " + reason
	s.refused = append(s.refused, Refusal{Action: c.action, Code: code, Reason: reason})
	s.mu.Unlock()
	c.error(http.StatusOK, code, message)
	return false
}

// error writes a Response.Error answer.
func (c *call) error(status int, code, message string) {
	c.json(status, map[string]any{"Error": map[string]string{"Code": code, "Message": message}})
}

// json writes fields, plus a RequestId, as the Response of an answer.
func (c *call) json(status int, fields map[string]any) {
	fields["RequestId"] = c.s.requestID()
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(map[string]any{"Response": fields})
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextReq++
	return fmt.Sprintf("a0aabda6-cf91-4f3e-a81f-%012x", s.nextReq)
}

func (s *Server) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// decode reads the JSON body into v, refusing unparseable bodies and
// fields the action does not take.
func (c *call) decode(v any) bool {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &fields); err != nil {
		return c.refuse("FailedOperation.FailResolvePacket", "Failed to resolve the request packet.", err.Error())
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return c.refuse("InvalidParameter", "A parameter has the wrong type: "+err.Error(), err.Error())
	}
	known, _ := json.Marshal(v)
	var knownFields map[string]json.RawMessage
	_ = json.Unmarshal(known, &knownFields)
	for k := range fields {
		if _, ok := knownFields[k]; !ok {
			return c.refuse("UnknownParameter", "The parameter `"+k+"` is not recognized.", "unknown field "+k)
		}
	}
	return true
}
