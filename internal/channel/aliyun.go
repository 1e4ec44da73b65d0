package channel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Aliyun dysmsapi limits and constants.
const (
	aliyunDefaultEndpoint = "https://dysmsapi.aliyuncs.com"
	aliyunAPIVersion      = "2017-05-25"
	// aliyunMaxSendSms is the number of PhoneNumbers SendSms takes in one call.
	aliyunMaxSendSms = 1000
	// aliyunMaxBatchSms is the number of numbers SendBatchSms takes in one call.
	aliyunMaxBatchSms = 100
)

// AliyunConfig configures the Aliyun (Alibaba Cloud) SMS provider.
type AliyunConfig struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret" secret:"true"`
	// SignName is the approved SMS signature (短信签名).
	SignName string `json:"sign_name"`
	// TemplateCode is the approved template of messages that name none
	// (the test send, free-text callers), e.g. SMS_123456789. Contacts
	// pick theirs among the synced templates.
	TemplateCode string `json:"template_code,omitempty"`
	// TextParam, when set, names the template variable that receives the
	// message's Text (for a template such as "${content}").
	TextParam string `json:"text_param,omitempty"`
	// Endpoint overrides https://dysmsapi.aliyuncs.com (tests, other regions).
	Endpoint string `json:"endpoint,omitempty"`
}

// Aliyun sends SMS through Aliyun's dysmsapi: SendSms with up to 1000
// comma-joined numbers when recipients share the template parameters, and
// SendBatchSms (up to 100 numbers, one parameter set each) when they do not.
type Aliyun struct {
	cfg      AliyunConfig
	endpoint *url.URL
	env      Env
}

// NewAliyun validates cfg and returns the provider.
func NewAliyun(cfg AliyunConfig, env Env) (*Aliyun, error) {
	for _, f := range [][2]string{
		{"access_key_id", cfg.AccessKeyID}, {"access_key_secret", cfg.AccessKeySecret},
		{"sign_name", cfg.SignName},
	} {
		if err := required(ProviderAliyun, f[0], f[1]); err != nil {
			return nil, err
		}
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = aliyunDefaultEndpoint
	}
	u, err := parseBaseURL(ProviderAliyun, "endpoint", cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	return &Aliyun{cfg: cfg, endpoint: u, env: env.withDefaults()}, nil
}

// Name returns "aliyun".
func (a *Aliyun) Name() string { return ProviderAliyun }

// Kind returns KindSMS.
func (a *Aliyun) Kind() Kind { return KindSMS }

// MaxBatch returns 1000, the SendSms limit.
func (a *Aliyun) MaxBatch() int { return aliyunMaxSendSms }

// Close does nothing.
func (a *Aliyun) Close() error { return nil }

// Send sends one message with SendSms, passing msg.Ref as OutId.
func (a *Aliyun) Send(ctx context.Context, msg Message) (string, error) {
	if err := aliyunCheckNumber(msg.To); err != nil {
		return "", err
	}
	if err := checkTemplate(ProviderAliyun, a.template(msg)); err != nil {
		return "", err
	}
	q := sendSmsQuery([]string{aliyunNumber(msg.To)}, a.sign(msg), a.template(msg), a.params(msg))
	if msg.Ref != "" {
		q.Set("OutId", msg.Ref)
	}
	return a.call(ctx, "SendSms", q)
}

// SendBatch sends msgs in as few calls as the API allows: messages with the
// same template and parameters go together through SendSms; the others go
// through SendBatchSms. Aliyun reports one BizId per call, which becomes
// the ProviderID of every message of that call. When a call with several
// numbers is refused for an invalid number, nothing of it was sent and its
// numbers are sent one by one, so that only the invalid ones fail.
func (a *Aliyun) SendBatch(ctx context.Context, msgs []Message) []Result {
	results := make([]Result, len(msgs))
	params := make([]string, len(msgs))
	type groupKey struct{ sign, template, params string }
	groups := map[groupKey][]int{}
	var order []groupKey
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To}
		if err := aliyunCheckNumber(m.To); err != nil {
			results[i].Err = err
			continue
		}
		if err := checkTemplate(ProviderAliyun, a.template(m)); err != nil {
			results[i].Err = err
			continue
		}
		p := a.params(m)
		params[i] = p
		k := groupKey{a.sign(m), a.template(m), p}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	singles := map[string][]int{} // by template
	var singleOrder []string
	for _, k := range order {
		idx := groups[k]
		if len(idx) == 1 {
			if _, ok := singles[k.template]; !ok {
				singleOrder = append(singleOrder, k.template)
			}
			singles[k.template] = append(singles[k.template], idx[0])
			continue
		}
		for _, chunk := range chunkInts(idx, aliyunMaxSendSms) {
			numbers := make([]string, len(chunk))
			for j, i := range chunk {
				numbers[j] = aliyunNumber(msgs[i].To)
			}
			q := sendSmsQuery(numbers, k.sign, k.template, k.params)
			id, err := a.call(ctx, "SendSms", q)
			a.settle(ctx, msgs, results, chunk, id, err)
		}
	}
	for _, tpl := range singleOrder {
		for _, chunk := range chunkInts(singles[tpl], aliyunMaxBatchSms) {
			if len(chunk) == 1 {
				i := chunk[0]
				results[i].ProviderID, results[i].Err = a.Send(ctx, msgs[i])
				continue
			}
			numbers := make([]string, len(chunk))
			signs := make([]string, len(chunk))
			paramObjs := make([]json.RawMessage, len(chunk))
			for j, i := range chunk {
				numbers[j] = aliyunNumber(msgs[i].To)
				signs[j] = a.sign(msgs[i])
				paramObjs[j] = json.RawMessage(params[i])
			}
			q := url.Values{
				"PhoneNumberJson":   {mustJSON(numbers)},
				"SignNameJson":      {mustJSON(signs)},
				"TemplateCode":      {tpl},
				"TemplateParamJson": {mustJSON(paramObjs)},
			}
			id, err := a.call(ctx, "SendBatchSms", q)
			a.settle(ctx, msgs, results, chunk, id, err)
		}
	}
	return results
}

// settle records the outcome of one multi-number call.
func (a *Aliyun) settle(ctx context.Context, msgs []Message, results []Result, chunk []int, id string, err error) {
	if err != nil && Reason(err) == ReasonInvalidMobile && len(chunk) > 1 {
		for _, i := range chunk {
			results[i].ProviderID, results[i].Err = a.Send(ctx, msgs[i])
		}
		return
	}
	for _, i := range chunk {
		results[i].ProviderID, results[i].Err = id, err
	}
}

func (a *Aliyun) sign(msg Message) string {
	if msg.Sign != "" {
		return msg.Sign
	}
	return a.cfg.SignName
}

func (a *Aliyun) template(msg Message) string {
	if msg.Template != "" {
		return msg.Template
	}
	return a.cfg.TemplateCode
}

// sendSmsQuery returns the parameters of a SendSms call; TemplateParam is
// left out when the template has no variables.
func sendSmsQuery(numbers []string, signName, template, params string) url.Values {
	q := url.Values{
		"PhoneNumbers": {strings.Join(numbers, ",")},
		"SignName":     {signName},
		"TemplateCode": {template},
	}
	if params != "{}" {
		q.Set("TemplateParam", params)
	}
	return q
}

func aliyunCheckNumber(to string) error {
	if strings.TrimSpace(to) == "" {
		return &Error{Provider: ProviderAliyun, Reason: ReasonInvalidMobile, Detail: "empty mobile number"}
	}
	return nil
}

// params returns the TemplateParam JSON object of msg, with the keys in a
// stable order so equal parameter sets compare equal. TextParam fills the
// channel's default template only: a message naming its template carries
// every variable itself.
func (a *Aliyun) params(msg Message) string {
	p := msg.TemplateParams
	if a.cfg.TextParam != "" && msg.Text != "" && msg.Template == "" {
		if _, ok := p[a.cfg.TextParam]; !ok {
			p = make(map[string]string, len(msg.TemplateParams)+1)
			for k, v := range msg.TemplateParams {
				p[k] = v
			}
			p[a.cfg.TextParam] = msg.Text
		}
	}
	if p == nil {
		p = map[string]string{}
	}
	return mustJSON(p) // encoding/json sorts map keys
}

// aliyunNumber drops the "+" of an E.164 number: dysmsapi takes mainland
// numbers with or without 86, and other numbers as country code + number.
func aliyunNumber(to string) string {
	return strings.TrimPrefix(strings.TrimSpace(to), "+")
}

// aliyunResponse is the body of SendSms and SendBatchSms answers, and of
// gateway errors (which carry Code and Message too).
type aliyunResponse struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	BizID     string `json:"BizId"`
	RequestID string `json:"RequestId"`
}

// call performs one signed RPC call and returns the BizId.
func (a *Aliyun) call(ctx context.Context, action string, params url.Values) (string, error) {
	var body aliyunResponse
	if err := a.rpc(ctx, action, params, &body); err != nil {
		return "", err
	}
	return body.BizID, nil
}

// aliyunAnswer is what every dysmsapi answer carries.
type aliyunAnswer interface{ status() (code, message string) }

func (r *aliyunResponse) status() (string, string) { return r.Code, r.Message }

// rpc performs one signed RPC call and decodes its answer into out; an
// answer whose Code is not OK is returned as an *Error.
func (a *Aliyun) rpc(ctx context.Context, action string, params url.Values, out aliyunAnswer) error {
	nonce := make([]byte, 16)
	if _, err := io.ReadFull(a.env.Random, nonce); err != nil {
		return &Error{Provider: ProviderAliyun, Reason: ReasonProviderError, Transient: true, Detail: "nonce: " + err.Error(), Err: err}
	}
	query := acs3Query(params)
	u := *a.endpoint
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = query
	emptyBody := sha256.Sum256(nil)
	headers := map[string]string{
		"host":                  u.Host,
		"x-acs-action":          action,
		"x-acs-version":         aliyunAPIVersion,
		"x-acs-date":            a.env.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": hex.EncodeToString(nonce),
		"x-acs-content-sha256":  hex.EncodeToString(emptyBody[:]),
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), nil)
	if err != nil {
		return &Error{Provider: ProviderAliyun, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err}
	}
	for k, v := range headers {
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", acs3Authorization(a.cfg.AccessKeyID, a.cfg.AccessKeySecret,
		http.MethodPost, u.EscapedPath(), query, headers, nil))
	resp, err := doHTTP(ctx, ProviderAliyun, a.env.HTTPClient, req)
	if err != nil {
		return err
	}
	jerr := json.Unmarshal(resp.Body, out)
	code, message := out.status()
	if jerr != nil || code == "" {
		if resp.Status/100 != 2 {
			return httpStatusError(ProviderAliyun, resp.Status, resp.snippet())
		}
		return &Error{Provider: ProviderAliyun, Reason: ReasonProviderError, Detail: resp.unreadable()}
	}
	if code != "OK" {
		e := aliyunError(code, message)
		if resp.Status >= 500 {
			e.Transient = true
		}
		return e
	}
	return nil
}

// chunkInts splits s into consecutive pieces of at most n elements.
func chunkInts(s []int, n int) [][]int {
	var out [][]int
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// mustJSON encodes values that cannot fail to encode (strings, maps and
// slices of strings, raw JSON produced by mustJSON).
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("channel: encoding JSON: " + err.Error())
	}
	return string(b)
}
