package fakealiyun

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// The fixed credentials the server accepts.
const (
	AccessKeyID     = "LTAI5tFakeAliyunKey"
	AccessKeySecret = "fakeAliyunSecret+/="
)

// APIVersion is the dysmsapi version the server answers.
const APIVersion = "2017-05-25"

// Request is one request the server received, valid or not.
type Request struct {
	Action string
	Method string
	// Params are the RPC parameters, from the query string and, for a
	// form-encoded body, the body.
	Params url.Values
	Header http.Header
	Body   []byte
	// Refused is the reason the server refused the request for being
	// invalid; empty when it was valid (injected faults do not count).
	Refused string
}

// Refusal is a request refused for being invalid.
type Refusal struct {
	Action string
	// Code is the Aliyun error code answered.
	Code   string
	Reason string
}

// Server is the fake dysmsapi endpoint. All its methods are safe for
// concurrent use.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	now        func() time.Time
	checkNonce bool
	nonces     map[string]bool
	requests   []Request
	calls      map[string]int
	refused    []Refusal
	signs      map[string]*Sign
	signOrder  []string
	templates  map[string]*Template
	tplOrder   []string
	sent       []Message
	outcomes   map[string]string
	replies    []Up
	faults     []*fault
	capNotices int
	nextBiz    int64
	nextSeq    int64
	nextReq    int
	stop       chan struct{}
}

// New starts a server accepting AccessKeyID / AccessKeySecret; it is
// closed when t ends. It checks request times against the wall clock and
// refuses a signature nonce used twice.
func New(t testing.TB) *Server {
	s := &Server{
		now:        time.Now,
		checkNonce: true,
		nonces:     map[string]bool{},
		calls:      map[string]int{},
		signs:      map[string]*Sign{},
		templates:  map[string]*Template{},
		outcomes:   map[string]string{},
		nextBiz:    900619746936498000,
		nextSeq:    1000,
		stop:       make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.stop) }) // runs first: ends stalled calls
	return s
}

// URL is the server's base URL, to use as the provider endpoint.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Config returns the JSON configuration of the product's "aliyun" provider
// (access_key_id, access_key_secret, sign_name, template_code, endpoint)
// pointing at the server. extra fields (such as text_param) are added as
// given.
func (s *Server) Config(signName, templateCode string, extra map[string]any) []byte {
	cfg := map[string]any{
		"access_key_id":     AccessKeyID,
		"access_key_secret": AccessKeySecret,
		"sign_name":         signName,
		"template_code":     templateCode,
		"endpoint":          s.srv.URL,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic("fakealiyun: " + err.Error())
	}
	return b
}

// SetClock sets the clock against which x-acs-date is checked (15 minutes
// either way) and which dates messages and receipts; time.Now by default.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AllowNonceReuse stops refusing requests whose x-acs-signature-nonce was
// already used (for clients with a deterministic random source).
func (s *Server) AllowNonceReuse() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkNonce = false
}

// Calls returns how many requests named action in x-acs-action, valid or
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

// Refused returns the requests refused for being invalid, in order.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refused...)
}

// handle checks the request's transport and signature, applies injected
// faults, then runs the action.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action := r.Header.Get("x-acs-action")
	params := r.URL.Query()
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{Action: action, Method: r.Method, Params: params,
		Header: r.Header.Clone(), Body: body})
	s.calls[action]++
	s.mu.Unlock()

	c := &call{s: s, w: w, r: r, idx: idx, action: action, params: params, body: body}
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
	case "SendBatchSms":
		s.sendBatchSms(c)
	case "QuerySmsTemplateList":
		s.queryTemplates(c)
	case "QuerySmsSignList":
		s.querySigns(c)
	case "QuerySendDetails":
		s.querySendDetails(c)
	}
}

// call is one request being answered.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	idx    int
	action string
	params url.Values
	body   []byte
}

// checkTransport checks method, path, content type, action and version.
func (c *call) checkTransport() bool {
	r := c.r
	switch {
	case r.Method != http.MethodPost && r.Method != http.MethodGet:
		return c.refuse(http.StatusMethodNotAllowed, "UnsupportedHTTPMethod", "This http method is not supported.", "method "+r.Method)
	case r.URL.Path != "/":
		return c.refuse(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.", "path "+r.URL.Path)
	case len(c.body) > 0 && !isForm(r.Header.Get("Content-Type")):
		return c.refuse(http.StatusBadRequest, "InvalidParameter", "The request body must be application/x-www-form-urlencoded.", "Content-Type "+r.Header.Get("Content-Type"))
	}
	if len(c.body) > 0 {
		form, err := url.ParseQuery(string(c.body))
		if err != nil {
			return c.refuse(http.StatusBadRequest, "InvalidParameter", "The request body is not a valid form.", err.Error())
		}
		for k, v := range form {
			c.params[k] = append(c.params[k], v...)
		}
	}
	switch c.action {
	case "SendSms", "SendBatchSms", "QuerySmsTemplateList", "QuerySmsSignList", "QuerySendDetails":
	case "":
		return c.refuse(http.StatusBadRequest, "MissingAction", "Action is mandatory for this request.", "no x-acs-action")
	default:
		return c.refuse(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.", "action "+c.action)
	}
	if v := r.Header.Get("x-acs-version"); v != APIVersion {
		if v == "" {
			return c.refuse(http.StatusBadRequest, "MissingVersion", "Version is mandatory for this request.", "no x-acs-version")
		}
		return c.refuse(http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid.", "x-acs-version "+v)
	}
	return true
}

func isForm(ct string) bool {
	return ct == "application/x-www-form-urlencoded" || len(ct) > 33 && ct[:34] == "application/x-www-form-urlencoded;"
}

// refuse answers an invalid request with Aliyun's error shape and records
// why. It returns false so checks can return it.
func (c *call) refuse(status int, code, message, reason string) bool {
	s := c.s
	s.mu.Lock()
	s.requests[c.idx].Refused = code + ": " + reason
	s.refused = append(s.refused, Refusal{Action: c.action, Code: code, Reason: reason})
	s.mu.Unlock()
	c.error(status, code, message)
	return false
}

// error writes an error answer.
func (c *call) error(status int, code, message string) {
	body := map[string]string{"RequestId": c.s.requestID(), "Code": code, "Message": message}
	if status != http.StatusOK {
		body["HostId"] = "dysmsapi.aliyuncs.com"
		body["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(code) + "&product=Dysmsapi"
	}
	c.json(status, body)
}

// json writes v as a JSON answer.
func (c *call) json(status int, v any) {
	c.w.Header().Set("Content-Type", "application/json;charset=utf-8")
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(v)
}

// ok writes a successful answer: Code OK plus fields.
func (c *call) ok(fields map[string]any) {
	fields["Code"] = "OK"
	fields["Message"] = "OK"
	fields["RequestId"] = c.s.requestID()
	c.json(http.StatusOK, fields)
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextReq++
	return fmt.Sprintf("F655A8D5-B967-440B-8683-%012X", s.nextReq)
}

func (s *Server) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}
