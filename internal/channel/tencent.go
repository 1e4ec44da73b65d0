package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Tencent Cloud SMS API constants.
const (
	tencentDefaultEndpoint = "https://sms.tencentcloudapi.com"
	tencentDefaultRegion   = "ap-guangzhou"
	tencentAPIVersion      = "2021-01-11"
	tencentService         = "sms"
	// tencentMaxNumbers is the number of PhoneNumberSet entries SendSms takes.
	tencentMaxNumbers = 200
)

// TencentConfig configures the Tencent Cloud SMS provider (API 2021-01-11).
type TencentConfig struct {
	SecretID  string `json:"secret_id"`
	SecretKey string `json:"secret_key" secret:"true"`
	// SmsSdkAppID is the SMS application ID, e.g. 1400006666.
	SmsSdkAppID string `json:"sms_sdk_app_id"`
	// SignName is the approved signature; required for mainland numbers.
	SignName string `json:"sign_name,omitempty"`
	// TemplateID is the approved template of messages that name none (the
	// test send, free-text callers). Contacts pick theirs among the synced
	// templates.
	TemplateID string `json:"template_id,omitempty"`
	// Region is the API region, ap-guangzhou by default.
	Region string `json:"region,omitempty"`
	// ParamOrder lists the names of Message.TemplateParams in the order of
	// the template's {1}, {2}… variables. Empty means the parameters are
	// named "1", "2"….
	ParamOrder []string `json:"param_order,omitempty"`
	// TextParam, when set, names the template parameter that receives the
	// message's Text.
	TextParam string `json:"text_param,omitempty"`
	// SignIDs are the ids of the account's signatures, which Tencent lists
	// by id only (DescribeSmsSignList); without them signatures are
	// entered by hand.
	SignIDs []int64 `json:"sign_ids,omitempty"`
	// SenderID is the international Sender ID, if any.
	SenderID string `json:"sender_id,omitempty"`
	// Endpoint overrides https://sms.tencentcloudapi.com (tests).
	Endpoint string `json:"endpoint,omitempty"`
}

// Tencent sends SMS through Tencent Cloud's SendSms, up to 200 numbers per
// call when recipients share the template parameters. Each number gets its
// own status in the answer.
type Tencent struct {
	cfg      TencentConfig
	endpoint *url.URL
	env      Env
}

// NewTencent validates cfg and returns the provider.
func NewTencent(cfg TencentConfig, env Env) (*Tencent, error) {
	for _, f := range [][2]string{
		{"secret_id", cfg.SecretID}, {"secret_key", cfg.SecretKey},
		{"sms_sdk_app_id", cfg.SmsSdkAppID},
	} {
		if err := required(ProviderTencent, f[0], f[1]); err != nil {
			return nil, err
		}
	}
	if cfg.Region == "" {
		cfg.Region = tencentDefaultRegion
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = tencentDefaultEndpoint
	}
	u, err := parseBaseURL(ProviderTencent, "endpoint", cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	return &Tencent{cfg: cfg, endpoint: u, env: env.withDefaults()}, nil
}

// Name returns "tencent".
func (t *Tencent) Name() string { return ProviderTencent }

// Kind returns KindSMS.
func (t *Tencent) Kind() Kind { return KindSMS }

// MaxBatch returns 200, the SendSms limit.
func (t *Tencent) MaxBatch() int { return tencentMaxNumbers }

// Close does nothing.
func (t *Tencent) Close() error { return nil }

// Send sends one message, passing msg.Ref as SessionContext.
func (t *Tencent) Send(ctx context.Context, msg Message) (string, error) {
	r := t.SendBatch(ctx, []Message{msg})
	return r[0].ProviderID, r[0].Err
}

// SendBatch groups msgs by template and parameters and sends each group in
// calls of up to 200 numbers; each number's SendStatus becomes its Result.
func (t *Tencent) SendBatch(ctx context.Context, msgs []Message) []Result {
	results := make([]Result, len(msgs))
	type groupKey struct{ sign, template, params string }
	groups := map[groupKey][]int{}
	paramSets := map[groupKey][]string{}
	var order []groupKey
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To}
		if strings.TrimSpace(m.To) == "" {
			results[i].Err = &Error{Provider: ProviderTencent, Reason: ReasonInvalidMobile, Detail: "empty mobile number"}
			continue
		}
		if err := checkTemplate(ProviderTencent, t.template(m)); err != nil {
			results[i].Err = err
			continue
		}
		set, err := t.params(m)
		if err != nil {
			results[i].Err = err
			continue
		}
		sign := t.cfg.SignName
		if m.Sign != "" {
			sign = m.Sign
		}
		k := groupKey{sign, t.template(m), mustJSON(set)}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			paramSets[k] = set
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		for _, chunk := range chunkInts(groups[k], tencentMaxNumbers) {
			req := tencentSendRequest{
				PhoneNumberSet:   make([]string, len(chunk)),
				SmsSdkAppID:      t.cfg.SmsSdkAppID,
				TemplateID:       k.template,
				SignName:         k.sign,
				TemplateParamSet: paramSets[k],
				SenderID:         t.cfg.SenderID,
			}
			for j, i := range chunk {
				req.PhoneNumberSet[j] = strings.TrimSpace(msgs[i].To)
			}
			if len(chunk) == 1 {
				req.SessionContext = msgs[chunk[0]].Ref
			}
			statuses, err := t.call(ctx, req)
			if err != nil {
				for _, i := range chunk {
					results[i].Err = err
				}
				continue
			}
			matchTencentStatuses(results, chunk, req.PhoneNumberSet, statuses)
		}
	}
	return results
}

// matchTencentStatuses gives each number of a call its SendStatus, matched
// by phone number (the answer uses E.164 whatever form was sent).
func matchTencentStatuses(results []Result, chunk []int, numbers []string, statuses []tencentSendStatus) {
	byNumber := map[string][]tencentSendStatus{}
	for _, s := range statuses {
		k := tencentNumberKey(s.PhoneNumber)
		byNumber[k] = append(byNumber[k], s)
	}
	for j, i := range chunk {
		k := tencentNumberKey(numbers[j])
		queue := byNumber[k]
		if len(queue) == 0 {
			results[i].Err = &Error{Provider: ProviderTencent, Reason: ReasonProviderError, Detail: noStatusDetail}
			continue
		}
		s := queue[0]
		byNumber[k] = queue[1:]
		if !strings.EqualFold(s.Code, "Ok") {
			results[i].Err = tencentError(s.Code, s.Message)
			continue
		}
		results[i].ProviderID = s.SerialNo
	}
}

// tencentNumberKey normalises a number for matching: digits only, a
// leading 00 dropped, and 86 added to 11-digit mainland numbers.
func tencentNumberKey(n string) string {
	n = strings.TrimPrefix(strings.TrimSpace(n), "+")
	n = strings.TrimPrefix(n, "00")
	if len(n) == 11 && n[0] == '1' {
		n = "86" + n
	}
	return n
}

func (t *Tencent) template(msg Message) string {
	if msg.Template != "" {
		return msg.Template
	}
	return t.cfg.TemplateID
}

// params returns the TemplateParamSet of msg, in template order.
// TextParam and ParamOrder describe the channel's default template only:
// a message naming its template has its parameters by position.
func (t *Tencent) params(msg Message) ([]string, error) {
	p := msg.TemplateParams
	if t.cfg.TextParam != "" && msg.Text != "" && msg.Template == "" {
		if _, ok := p[t.cfg.TextParam]; !ok {
			p = make(map[string]string, len(msg.TemplateParams)+1)
			for k, v := range msg.TemplateParams {
				p[k] = v
			}
			p[t.cfg.TextParam] = msg.Text
		}
	}
	set := []string{}
	if len(t.cfg.ParamOrder) > 0 && msg.Template == "" {
		for _, name := range t.cfg.ParamOrder {
			v, ok := p[name]
			if !ok {
				return nil, &Error{Provider: ProviderTencent, Reason: ReasonTemplateRejected, Detail: "missing template parameter " + strconv.Quote(name)}
			}
			set = append(set, v)
		}
		return set, nil
	}
	positions := make([]int, 0, len(p))
	for k := range p {
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 {
			return nil, &Error{Provider: ProviderTencent, Reason: ReasonTemplateRejected,
				Detail: "template parameter " + strconv.Quote(k) + " must be a position (1, 2…) or be listed in param_order"}
		}
		positions = append(positions, n)
	}
	sort.Ints(positions)
	for i, n := range positions {
		if n != i+1 {
			return nil, &Error{Provider: ProviderTencent, Reason: ReasonTemplateRejected, Detail: "missing template parameter " + strconv.Itoa(i+1)}
		}
		set = append(set, p[strconv.Itoa(n)])
	}
	return set, nil
}

// tencentSendRequest is the SendSms payload.
type tencentSendRequest struct {
	PhoneNumberSet   []string `json:"PhoneNumberSet"`
	SmsSdkAppID      string   `json:"SmsSdkAppId"`
	TemplateID       string   `json:"TemplateId"`
	SignName         string   `json:"SignName,omitempty"`
	TemplateParamSet []string `json:"TemplateParamSet"`
	SessionContext   string   `json:"SessionContext,omitempty"`
	SenderID         string   `json:"SenderId,omitempty"`
}

// tencentSendStatus is one number's outcome.
type tencentSendStatus struct {
	SerialNo       string `json:"SerialNo"`
	PhoneNumber    string `json:"PhoneNumber"`
	Fee            int    `json:"Fee"`
	SessionContext string `json:"SessionContext"`
	Code           string `json:"Code"`
	Message        string `json:"Message"`
	IsoCode        string `json:"IsoCode"`
}

// tencentSendResponse is the SendSms answer; Error is set when the whole
// request failed.
type tencentSendResponse struct {
	Response struct {
		tencentStatus
		SendStatusSet []tencentSendStatus `json:"SendStatusSet"`
	} `json:"Response"`
}

func (r *tencentSendResponse) status() *tencentStatus { return &r.Response.tencentStatus }

// tencentStatus is what every API 3.0 answer carries in its Response.
type tencentStatus struct {
	RequestID string `json:"RequestId"`
	Error     *struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	} `json:"Error"`
}

// tencentAnswer is an API 3.0 answer.
type tencentAnswer interface{ status() *tencentStatus }

// call performs one signed SendSms call.
func (t *Tencent) call(ctx context.Context, payload tencentSendRequest) ([]tencentSendStatus, error) {
	var out tencentSendResponse
	if err := t.api(ctx, "SendSms", payload, &out); err != nil {
		return nil, err
	}
	return out.Response.SendStatusSet, nil
}

// api performs one signed API 3.0 call of action and decodes its answer
// into out; an answer carrying an Error is returned as an *Error.
func (t *Tencent) api(ctx context.Context, action string, payload any, out tencentAnswer) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return &Error{Provider: ProviderTencent, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err}
	}
	u := *t.endpoint
	if u.Path == "" {
		u.Path = "/"
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return &Error{Provider: ProviderTencent, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err}
	}
	now := t.env.Now()
	req.Header.Set("Content-Type", tc3ContentType)
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", tencentAPIVersion)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("X-TC-Region", t.cfg.Region)
	req.Header.Set("Authorization", tc3Authorization(t.cfg.SecretID, t.cfg.SecretKey, tencentService, u.Host, now, body))
	resp, err := doHTTP(ctx, ProviderTencent, t.env.HTTPClient, req)
	if err != nil {
		return err
	}
	if jerr := json.Unmarshal(resp.Body, out); jerr != nil {
		if resp.Status/100 != 2 {
			return httpStatusError(ProviderTencent, resp.Status, resp.snippet())
		}
		return &Error{Provider: ProviderTencent, Reason: ReasonProviderError, Detail: resp.unreadable()}
	}
	if e := out.status().Error; e != nil {
		ce := tencentError(e.Code, e.Message)
		if resp.Status >= 500 {
			ce.Transient = true
		}
		return ce
	}
	if resp.Status/100 != 2 {
		return httpStatusError(ProviderTencent, resp.Status, resp.snippet())
	}
	return nil
}
