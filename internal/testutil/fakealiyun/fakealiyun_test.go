package fakealiyun_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/outbound"
	"touchbase/internal/testutil/fakealiyun"
)

const (
	sign     = "阿里云短信测试"
	notice   = "SMS_154950909"
	verify   = "SMS_100000001"
	noVars   = "SMS_100000002"
	phoneOne = "13800138000"
)

// newServer returns a server with an approved sign and three templates.
func newServer(t *testing.T) *fakealiyun.Server {
	t.Helper()
	s := fakealiyun.New(t)
	s.AddSign(fakealiyun.Sign{Name: sign})
	s.AddSign(fakealiyun.Sign{Name: "验证码签名", BusinessType: "验证码类型"})
	s.AddSign(fakealiyun.Sign{Name: "审核中签名", Status: fakealiyun.AuditInit})
	s.AddTemplate(fakealiyun.Template{Code: notice, Name: "会议通知", Content: "${name}您好，${content}", Kind: fakealiyun.Notice})
	s.AddTemplate(fakealiyun.Template{Code: verify, Name: "验证码", Content: "您的验证码为${code}，5分钟内有效。", Kind: fakealiyun.Verification})
	s.AddTemplate(fakealiyun.Template{Code: noVars, Name: "无变量", Content: "系统维护通知。", Kind: fakealiyun.Notice})
	s.AddTemplate(fakealiyun.Template{Code: "SMS_REJECTED", Name: "被拒", Content: "x", Kind: fakealiyun.Notice,
		Status: fakealiyun.AuditNotPass, Reason: "内容不规范"})
	return s
}

func newClient(t *testing.T, s *fakealiyun.Server, extra map[string]any, client *http.Client) channel.Channel {
	t.Helper()
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	ch, err := channel.NewWithEnv("aliyun", s.Config(sign, notice, extra), channel.Env{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// noRefusals fails the test when the server refused anything.
func noRefusals(t *testing.T, s *fakealiyun.Server) {
	t.Helper()
	if r := s.Refused(); len(r) != 0 {
		t.Errorf("refused: %+v", r)
	}
}

func TestSendThroughClient(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, map[string]any{"text_param": "content"}, nil)
	id, err := ch.Send(context.Background(), channel.Message{To: "+86" + phoneOne, Text: "明天9点开会 *~",
		TemplateParams: map[string]string{"name": "张三"}, Ref: "d-1"})
	if err != nil {
		t.Fatal(err)
	}
	noRefusals(t, s)
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d messages", len(sent))
	}
	m := sent[0]
	want := fakealiyun.Message{At: m.At, Action: "SendSms", PhoneNumber: "86" + phoneOne, SignName: sign, TemplateCode: notice,
		Kind: fakealiyun.Notice, Params: map[string]string{"name": "张三", "content": "明天9点开会 *~"},
		Text: "【阿里云短信测试】张三您好，明天9点开会 *~", BizID: id, OutID: "d-1"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("sent %+v\nwant %+v", m, want)
	}
	if !strings.HasSuffix(id, "^0") || time.Since(m.At) > time.Minute {
		t.Errorf("BizId %q, at %v", id, m.At)
	}
	if s.Calls("SendSms") != 1 || s.Calls("") != 1 {
		t.Errorf("calls: %d / %d", s.Calls("SendSms"), s.Calls(""))
	}
}

func TestBatchThroughClient(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	shared := []channel.Message{
		{To: "+8613800000001", TemplateParams: map[string]string{"name": "各位", "content": "会议改期"}},
		{To: "+8613800000002", TemplateParams: map[string]string{"name": "各位", "content": "会议改期"}},
	}
	perRecipient := []channel.Message{
		{To: "+8613800000003", TemplateParams: map[string]string{"name": "张三", "content": "a"}},
		{To: "+8613800000004", TemplateParams: map[string]string{"name": "李四", "content": "b"}},
	}
	res := ch.SendBatch(context.Background(), append(shared, perRecipient...))
	noRefusals(t, s)
	for i, r := range res {
		if r.Err != nil || r.ProviderID == "" {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	if res[0].ProviderID != res[1].ProviderID || res[2].ProviderID != res[3].ProviderID || res[0].ProviderID == res[2].ProviderID {
		t.Errorf("one BizId per call expected: %v", []string{res[0].ProviderID, res[1].ProviderID, res[2].ProviderID, res[3].ProviderID})
	}
	if s.Calls("SendSms") != 1 || s.Calls("SendBatchSms") != 1 {
		t.Errorf("calls SendSms %d SendBatchSms %d", s.Calls("SendSms"), s.Calls("SendBatchSms"))
	}
	var texts []string
	for _, m := range s.Sent() {
		texts = append(texts, m.Action+" "+m.PhoneNumber+" "+m.Text)
	}
	want := []string{
		"SendSms 8613800000001 【阿里云短信测试】各位您好，会议改期",
		"SendSms 8613800000002 【阿里云短信测试】各位您好，会议改期",
		"SendBatchSms 8613800000003 【阿里云短信测试】张三您好，a",
		"SendBatchSms 8613800000004 【阿里云短信测试】李四您好，b",
	}
	if !slices.Equal(texts, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
}

// signer builds requests signed as the V3 documentation describes.
type signer struct {
	t      *testing.T
	s      *fakealiyun.Server
	keyID  string
	secret string
	date   time.Time
	nonce  string
}

func newSigner(t *testing.T, s *fakealiyun.Server) *signer {
	return &signer{t: t, s: s, keyID: fakealiyun.AccessKeyID, secret: fakealiyun.AccessKeySecret}
}

func enc(s string) string {
	s = url.QueryEscape(s)
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	return strings.ReplaceAll(s, "%7E", "~")
}

// request returns a signed POST of action with params in the query; edit
// may change headers before signing (returning the names to sign) and
// after (to tamper).
func (g *signer) request(action string, params url.Values, body []byte, contentType string) *http.Request {
	g.t.Helper()
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, enc(k)+"="+enc(params.Get(k)))
	}
	query := strings.Join(pairs, "&")
	req, err := http.NewRequest(http.MethodPost, g.s.URL()+"/?"+query, strings.NewReader(string(body)))
	if err != nil {
		g.t.Fatal(err)
	}
	date := g.date
	if date.IsZero() {
		date = time.Now()
	}
	nonce := g.nonce
	if nonce == "" {
		nonce = rand.Text()
	}
	sum := sha256.Sum256(body)
	h := map[string]string{
		"host":                  req.URL.Host,
		"x-acs-action":          action,
		"x-acs-version":         "2017-05-25",
		"x-acs-date":            date.UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": nonce,
		"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
	}
	if contentType != "" {
		h["content-type"] = contentType
	}
	for k, v := range h {
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	g.sign(req, h, query, hex.EncodeToString(sum[:]))
	return req
}

func (g *signer) sign(req *http.Request, h map[string]string, query, payloadHash string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var canon string
	for _, k := range names {
		canon += k + ":" + h[k] + "\n"
	}
	cr := "POST\n/\n" + query + "\n" + canon + "\n" + strings.Join(names, ";") + "\n" + payloadHash
	crh := sha256.Sum256([]byte(cr))
	mac := hmac.New(sha256.New, []byte(g.secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(crh[:])))
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+g.keyID+",SignedHeaders="+strings.Join(names, ";")+
		",Signature="+hex.EncodeToString(mac.Sum(nil)))
}

// answer is an Aliyun answer with the fields the tests read.
type answer struct {
	status    int
	Code      string
	Message   string
	BizID     string `json:"BizId"`
	RequestID string `json:"RequestId"`
	raw       map[string]any
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer %s: %v", b, err)
	}
	_ = json.Unmarshal(b, &a.raw)
	if a.RequestID == "" {
		t.Errorf("answer without RequestId: %s", b)
	}
	return a
}

func sendParams(numbers, signName, template, params string) url.Values {
	v := url.Values{"PhoneNumbers": {numbers}, "SignName": {signName}, "TemplateCode": {template}}
	if params != "" {
		v.Set("TemplateParam", params)
	}
	return v
}

func TestRequestChecks(t *testing.T) {
	many := strings.TrimSuffix(strings.Repeat(phoneOne+",", 1001), ",")
	batch := func(n, signs int, params string) url.Values {
		nums, sg := make([]string, n), make([]string, signs)
		for i := range nums {
			nums[i] = fmt.Sprintf("138%08d", i)
		}
		for i := range sg {
			sg[i] = sign
		}
		nb, _ := json.Marshal(nums)
		sb, _ := json.Marshal(sg)
		v := url.Values{"PhoneNumberJson": {string(nb)}, "SignNameJson": {string(sb)}, "TemplateCode": {verify}}
		if params != "" {
			v.Set("TemplateParamJson", params)
		}
		return v
	}
	okParams := sendParams(phoneOne, sign, verify, `{"code":"1234"}`)
	for _, tc := range []struct {
		name   string
		action string
		params url.Values
		tweak  func(*signer, *http.Request) *http.Request // nil: as built
		status int
		code   string
	}{
		{"valid", "SendSms", okParams, nil, 200, "OK"},
		{"valid many", "SendSms", sendParams(strings.TrimSuffix(strings.Repeat(phoneOne+",", 1000), ","), sign, verify, `{"code":"1"}`), nil, 200, "OK"},
		{"valid batch", "SendBatchSms", batch(100, 100, "["+strings.TrimSuffix(strings.Repeat(`{"code":"1"},`, 100), ",")+"]"), nil, 200, "OK"},
		{"wrong secret", "SendSms", okParams, func(g *signer, _ *http.Request) *http.Request {
			g.secret = "other"
			return nil
		}, 400, "SignatureDoesNotMatch"},
		{"tampered query", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "1234", "9999", 1)
			return r
		}, 400, "SignatureDoesNotMatch"},
		{"unknown key", "SendSms", okParams, func(g *signer, _ *http.Request) *http.Request {
			g.keyID = "LTAI5tUnknown"
			return nil
		}, 404, "InvalidAccessKeyId.NotFound"},
		{"no authorization", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.Header.Del("Authorization")
			return r
		}, 400, "IncompleteSignature"},
		{"unsigned x-acs header", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.Header.Set("x-acs-extra", "1")
			return r
		}, 400, "IncompleteSignature"},
		{"stale date", "SendSms", okParams, func(g *signer, _ *http.Request) *http.Request {
			g.date = time.Now().Add(-20 * time.Minute)
			return nil
		}, 400, "InvalidTimeStamp.Expired"},
		{"wrong version", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.Header.Set("x-acs-version", "2018-01-01")
			return r
		}, 400, "InvalidVersion"},
		{"unknown action", "SendSmsX", okParams, nil, 404, "InvalidAction.NotFound"},
		{"wrong path", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.URL.Path = "/sms"
			return r
		}, 404, "InvalidAction.NotFound"},
		{"PUT", "SendSms", okParams, func(_ *signer, r *http.Request) *http.Request {
			r.Method = http.MethodPut
			return r
		}, 405, "UnsupportedHTTPMethod"},
		{"missing PhoneNumbers", "SendSms", url.Values{"SignName": {sign}, "TemplateCode": {verify}, "TemplateParam": {`{"code":"1"}`}}, nil, 400, "MissingPhoneNumbers"},
		{"missing SignName", "SendSms", url.Values{"PhoneNumbers": {phoneOne}, "TemplateCode": {verify}}, nil, 400, "MissingSignName"},
		{"missing TemplateCode", "SendSms", url.Values{"PhoneNumbers": {phoneOne}, "SignName": {sign}}, nil, 400, "MissingTemplateCode"},
		{"1001 numbers", "SendSms", sendParams(many, sign, verify, `{"code":"1"}`), nil, 200, "isv.MOBILE_COUNT_OVER_LIMIT"},
		{"101 batch", "SendBatchSms", batch(101, 101, ""), nil, 200, "isv.MOBILE_COUNT_OVER_LIMIT"},
		{"batch signs short", "SendBatchSms", batch(3, 2, ""), nil, 200, "isv.INVALID_PARAMETERS"},
		{"batch params short", "SendBatchSms", batch(2, 2, `[{"code":"1"}]`), nil, 200, "isv.INVALID_PARAMETERS"},
		{"invalid number", "SendSms", sendParams(phoneOne+",123", sign, verify, `{"code":"1"}`), nil, 200, "isv.MOBILE_NUMBER_ILLEGAL"},
		{"unknown sign", "SendSms", sendParams(phoneOne, "不存在", verify, `{"code":"1"}`), nil, 200, "isv.SMS_SIGNATURE_ILLEGAL"},
		{"sign in review", "SendSms", sendParams(phoneOne, "审核中签名", verify, `{"code":"1"}`), nil, 200, "isv.SMS_SIGNATURE_ILLEGAL"},
		{"unknown template", "SendSms", sendParams(phoneOne, sign, "SMS_404", ""), nil, 200, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"rejected template", "SendSms", sendParams(phoneOne, sign, "SMS_REJECTED", ""), nil, 200, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"missing variable", "SendSms", sendParams(phoneOne, sign, notice, `{"name":"张三"}`), nil, 200, "isv.TEMPLATE_MISSING_PARAMETERS"},
		{"no TemplateParam", "SendSms", sendParams(phoneOne, sign, verify, ""), nil, 200, "isv.TEMPLATE_MISSING_PARAMETERS"},
		{"extra variable", "SendSms", sendParams(phoneOne, sign, verify, `{"code":"1","name":"x"}`), nil, 200, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"params for a template without variables", "SendSms", sendParams(phoneOne, sign, noVars, `{"x":"1"}`), nil, 200, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"number value", "SendSms", sendParams(phoneOne, sign, verify, `{"code":1234}`), nil, 200, "isv.INVALID_JSON_PARAM"},
		{"not JSON", "SendSms", sendParams(phoneOne, sign, verify, `code=1`), nil, 200, "isv.INVALID_JSON_PARAM"},
		{"verification sign, notice template", "SendSms", sendParams(phoneOne, "验证码签名", noVars, ""), nil, 200, "isv.SMS_SIGNATURE_SCENE_ILLEGAL"},
		{"PageSize 51", "QuerySendDetails", url.Values{"PhoneNumber": {phoneOne}, "SendDate": {time.Now().Format("20060102")}, "PageSize": {"51"}, "CurrentPage": {"1"}}, nil, 400, "InvalidParameter"},
		{"missing SendDate", "QuerySendDetails", url.Values{"PhoneNumber": {phoneOne}, "PageSize": {"10"}, "CurrentPage": {"1"}}, nil, 400, "MissingSendDate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			g := newSigner(t, s)
			req := g.request(tc.action, tc.params, nil, "")
			if tc.tweak != nil {
				if r := tc.tweak(g, req); r != nil {
					req = r
				} else {
					req = g.request(tc.action, tc.params, nil, "")
				}
			}
			a := do(t, req)
			if a.status != tc.status || a.Code != tc.code {
				t.Fatalf("answer %d %s (%s), want %d %s", a.status, a.Code, a.Message, tc.status, tc.code)
			}
			refused := s.Refused()
			if tc.code == "OK" {
				if len(refused) != 0 || a.BizID == "" || len(s.Sent()) == 0 {
					t.Errorf("refused %v, BizId %q, %d sent", refused, a.BizID, len(s.Sent()))
				}
				return
			}
			if len(refused) != 1 || refused[0].Code != tc.code || refused[0].Reason == "" {
				t.Errorf("refusals = %+v", refused)
			}
			if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Refused == "" {
				t.Errorf("requests = %+v", reqs)
			}
			if len(s.Sent()) != 0 {
				t.Error("a refused request was sent")
			}
		})
	}
}

func TestFormBodyAndNonce(t *testing.T) {
	s := newServer(t)
	g := newSigner(t, s)
	form := sendParams(phoneOne, sign, verify, `{"code":"1234"}`)
	req := g.request("SendSms", nil, []byte(form.Encode()), "application/x-www-form-urlencoded")
	if a := do(t, req); a.Code != "OK" {
		t.Fatalf("form body: %+v", a)
	}
	req = g.request("SendSms", nil, []byte(`{"PhoneNumbers":"1"}`), "application/json")
	if a := do(t, req); a.Code != "InvalidParameter" {
		t.Errorf("JSON body: %+v", a)
	}
	g.nonce = "same-nonce"
	if a := do(t, g.request("SendSms", sendParams(phoneOne, sign, verify, `{"code":"1"}`), nil, "")); a.Code != "OK" {
		t.Fatalf("first nonce use: %+v", a)
	}
	if a := do(t, g.request("SendSms", sendParams(phoneOne, sign, verify, `{"code":"1"}`), nil, "")); a.Code != "SignatureNonceUsed" {
		t.Errorf("reused nonce: %+v", a)
	}
	s.AllowNonceReuse()
	if a := do(t, g.request("SendSms", sendParams(phoneOne, sign, verify, `{"code":"1"}`), nil, "")); a.Code != "OK" {
		t.Errorf("reused nonce allowed: %+v", a)
	}
}

func TestRevokeTemplateAndSign(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	msg := channel.Message{To: phoneOne, Template: verify, TemplateParams: map[string]string{"code": "1"}}
	if _, err := ch.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if !s.SetTemplateStatus(verify, fakealiyun.AuditNotPass, "revoked") || s.SetTemplateStatus("SMS_404", fakealiyun.AuditPass, "") {
		t.Fatal("SetTemplateStatus")
	}
	if _, err := ch.Send(context.Background(), msg); channel.Reason(err) != channel.ReasonTemplateRejected {
		t.Errorf("revoked template: %v", err)
	}
	s.SetTemplateStatus(verify, fakealiyun.AuditPass, "")
	s.SetSignStatus(sign, fakealiyun.AuditNotPass, "资质不符")
	if _, err := ch.Send(context.Background(), msg); channel.Reason(err) != channel.ReasonSignRejected {
		t.Errorf("revoked sign: %v", err)
	}
	if n := len(s.Sent()); n != 1 {
		t.Errorf("%d sent", n)
	}
}

func query(t *testing.T, s *fakealiyun.Server, action string, params url.Values) map[string]any {
	t.Helper()
	a := do(t, newSigner(t, s).request(action, params, nil, ""))
	if a.Code != "OK" {
		t.Fatalf("%s: %+v", action, a)
	}
	return a.raw
}

func TestQueryTemplateList(t *testing.T) {
	s := newServer(t)
	p1 := query(t, s, "QuerySmsTemplateList", url.Values{"PageIndex": {"1"}, "PageSize": {"3"}})
	p2 := query(t, s, "QuerySmsTemplateList", url.Values{"PageIndex": {"2"}, "PageSize": {"3"}})
	l1, l2 := p1["SmsTemplateList"].([]any), p2["SmsTemplateList"].([]any)
	if len(l1) != 3 || len(l2) != 1 || p1["TotalCount"] != 4.0 || p2["CurrentPage"] != 2.0 || p2["PageSize"] != 3.0 {
		t.Fatalf("pages: %v / %v", p1, p2)
	}
	first := l1[0].(map[string]any)
	for k, want := range map[string]any{"TemplateCode": notice, "TemplateName": "会议通知", "TemplateContent": "${name}您好，${content}",
		"TemplateType": 1.0, "OuterTemplateType": 1.0, "AuditStatus": "AUDIT_STATE_PASS"} {
		if first[k] != want {
			t.Errorf("%s = %v, want %v", k, first[k], want)
		}
	}
	if _, err := time.Parse("2006-01-02 15:04:05", first["CreateDate"].(string)); err != nil {
		t.Errorf("CreateDate: %v", err)
	}
	rejected := l2[0].(map[string]any)
	if rejected["AuditStatus"] != "AUDIT_STATE_NOT_PASS" || rejected["Reason"].(map[string]any)["RejectInfo"] != "内容不规范" {
		t.Errorf("rejected: %v", rejected)
	}
	def := query(t, s, "QuerySmsTemplateList", nil)
	if def["PageSize"] != 10.0 || def["CurrentPage"] != 1.0 || len(def["SmsTemplateList"].([]any)) != 4 {
		t.Errorf("defaults: %v", def)
	}
}

func TestQuerySignList(t *testing.T) {
	s := newServer(t)
	r := query(t, s, "QuerySmsSignList", url.Values{"PageSize": {"2"}})
	list := r["SmsSignList"].([]any)
	if len(list) != 2 || r["TotalCount"] != 3.0 {
		t.Fatalf("%v", r)
	}
	second := list[1].(map[string]any)
	if second["SignName"] != "验证码签名" || second["BusinessType"] != "验证码类型" || second["AuditStatus"] != "AUDIT_STATE_PASS" {
		t.Errorf("%v", second)
	}
	r = query(t, s, "QuerySmsSignList", url.Values{"PageIndex": {"2"}, "PageSize": {"2"}})
	if l := r["SmsSignList"].([]any); len(l) != 1 || l[0].(map[string]any)["AuditStatus"] != "AUDIT_STATE_INIT" {
		t.Errorf("page 2: %v", r)
	}
}

func TestQuerySendDetails(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	p := map[string]string{"name": "a", "content": "b"}
	for _, to := range []string{"13800000001", "13800000002", "13800000003", "13800000001"} {
		if _, err := ch.Send(context.Background(), channel.Message{To: to, TemplateParams: p, Ref: "r-" + to}); err != nil {
			t.Fatal(err)
		}
	}
	s.SetOutcome("+8613800000002", "MK:0001")
	s.SetOutcome("13800000003", "")
	today := time.Now().In(time.FixedZone("", 8*3600)).Format("20060102")
	details := func(number, biz, size, page string) (string, []map[string]any) {
		v := url.Values{"PhoneNumber": {number}, "SendDate": {today}, "PageSize": {size}, "CurrentPage": {page}}
		if biz != "" {
			v.Set("BizId", biz)
		}
		r := query(t, s, "QuerySendDetails", v)
		var out []map[string]any
		for _, d := range r["SmsSendDetailDTOs"].(map[string]any)["SmsSendDetailDTO"].([]any) {
			out = append(out, d.(map[string]any))
		}
		return r["TotalCount"].(string), out
	}
	total, d := details("13800000001", "", "1", "1")
	if total != "2" || len(d) != 1 || d[0]["SendStatus"] != 3.0 || d[0]["ErrCode"] != "DELIVERED" ||
		d[0]["Content"] != "【阿里云短信测试】a您好，b" || d[0]["OutId"] != "r-13800000001" || d[0]["TemplateCode"] != notice ||
		d[0]["PhoneNum"] != "13800000001" || d[0]["ReceiveDate"] == "" || d[0]["SendDate"] == "" {
		t.Errorf("delivered: %s %v", total, d)
	}
	if _, d := details("13800000001", "", "1", "2"); len(d) != 1 {
		t.Errorf("page 2: %v", d)
	}
	bizOfSecond := s.Sent()[3].BizID
	if total, d := details("13800000001", bizOfSecond, "10", "1"); total != "1" || len(d) != 1 {
		t.Errorf("by BizId: %s %v", total, d)
	}
	if _, d := details("13800000002", "", "10", "1"); len(d) != 1 || d[0]["SendStatus"] != 2.0 || d[0]["ErrCode"] != "MK:0001" {
		t.Errorf("failed: %v", d)
	}
	if _, d := details("13800000003", "", "10", "1"); len(d) != 1 || d[0]["SendStatus"] != 1.0 || d[0]["ReceiveDate"] != "" {
		t.Errorf("waiting: %v", d)
	}
	if total, d := details("13900000000", "", "10", "1"); total != "0" || len(d) != 0 {
		t.Errorf("other number: %v", d)
	}
}

// receiver records pushes and answers like a product endpoint.
type receiver struct {
	mu     sync.Mutex
	bodies [][]map[string]any
	srv    *httptest.Server
}

func newReceiver(t *testing.T, answer string) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []map[string]any
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, body)
		rc.mu.Unlock()
		fmt.Fprint(w, answer)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func keys(m map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

func TestReportsAndPush(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	p := map[string]string{"name": "a", "content": strings.Repeat("长", 70)}
	if _, err := ch.Send(context.Background(), channel.Message{To: "13800000001", TemplateParams: p, Ref: "r1"}); err != nil {
		t.Fatal(err)
	}
	res := ch.SendBatch(context.Background(), []channel.Message{
		{To: "13800000002", TemplateParams: map[string]string{"name": "b", "content": "c"}},
		{To: "13800000003", TemplateParams: map[string]string{"name": "b", "content": "c"}},
		{To: "13800000004", TemplateParams: map[string]string{"name": "b", "content": "c"}},
	})
	s.SetOutcome("13800000002", "MK:0001")
	s.SetOutcome("13800000004", "")
	reports := s.Reports()
	if len(reports) != 3 {
		t.Fatalf("%d reports: %+v", len(reports), reports)
	}
	r0, r1 := reports[0], reports[1]
	if !r0.Success || r0.ErrCode != "DELIVERED" || r0.ErrMsg != "用户接收成功" || r0.SmsSize != "2" || r0.OutID != "r1" || r0.PhoneNumber != "13800000001" {
		t.Errorf("report 0: %+v", r0)
	}
	if r1.Success || r1.ErrCode != "MK:0001" || r1.BizID != res[0].ProviderID || r1.SmsSize != "1" || reports[2].BizID != r1.BizID {
		t.Errorf("report 1: %+v", r1)
	}
	rc := newReceiver(t, `{"code":0,"msg":"接收成功"}`)
	results, err := fakealiyun.Push(rc.srv.URL, reports)
	if err != nil || len(results) != 1 || results[0].Entries != 3 || !results[0].Acknowledged() {
		t.Fatalf("merged push: %+v, %v", results, err)
	}
	wantKeys := []string{"biz_id", "err_code", "err_msg", "out_id", "phone_number", "report_time", "send_time", "sms_size", "success"}
	if got := keys(rc.bodies[0][0]); !slices.Equal(got, wantKeys) {
		t.Errorf("report fields %v, want %v", got, wantKeys)
	}
	if rc.bodies[0][0]["success"] != true {
		t.Errorf("success is %T", rc.bodies[0][0]["success"])
	}

	rc = newReceiver(t, `{"code":0,"msg":"接收成功"}`)
	results, err = fakealiyun.Push(rc.srv.URL, reports, fakealiyun.Duplicate(0, 2), fakealiyun.Shuffle(7), fakealiyun.Split(2))
	if err != nil || len(results) != 3 || results[0].Entries != 2 || results[2].Entries != 1 {
		t.Fatalf("split push: %+v, %v", results, err)
	}
	var order []string
	count := map[string]int{}
	for _, b := range rc.bodies {
		for _, e := range b {
			order = append(order, e["phone_number"].(string))
			count[e["phone_number"].(string)]++
		}
	}
	if len(order) != 5 || count["13800000001"] != 2 || count["13800000003"] != 2 || count["13800000002"] != 1 {
		t.Errorf("entries %v", order)
	}
	if slices.Equal(order, []string{"13800000001", "13800000002", "13800000003", "13800000001", "13800000003"}) {
		t.Errorf("Shuffle kept the order %v", order)
	}

	for _, bad := range []string{`{"msg":"no code"}`, `{"code":"0"}`, `oops`} {
		rc = newReceiver(t, bad)
		results, _ = fakealiyun.Push(rc.srv.URL, reports[:1])
		if results[0].Acknowledged() {
			t.Errorf("%s counted as acknowledged", bad)
		}
	}
}

func TestReplies(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001", TemplateParams: map[string]string{"name": "a", "content": "b"}}); err != nil {
		t.Fatal(err)
	}
	up := s.Reply("+8613800000001", "退订")
	second := s.Reply("13800000009", "R")
	if up.PhoneNumber != "13800000001" || up.Content != "退订" || up.SignName != sign || up.DestCode == "" || up.SendTime == "" ||
		second.SequenceID <= up.SequenceID || second.SignName != "" {
		t.Errorf("replies %+v %+v", up, second)
	}
	rc := newReceiver(t, `{"code":0,"msg":"接收成功"}`)
	results, err := fakealiyun.Push(rc.srv.URL, s.Replies())
	if err != nil || !results[0].Acknowledged() || len(rc.bodies[0]) != 2 {
		t.Fatalf("%+v %v", results, err)
	}
	if got, want := keys(rc.bodies[0][0]), []string{"content", "dest_code", "phone_number", "send_time", "sequence_id", "sign_name"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

func TestFaults(t *testing.T) {
	msg := channel.Message{To: phoneOne, TemplateParams: map[string]string{"name": "a", "content": "b"}}
	for _, tc := range []struct {
		name      string
		fault     fakealiyun.Fault
		code      string
		reason    string
		transient bool
	}{
		{"business limit", fakealiyun.BusinessLimit, "isv.BUSINESS_LIMIT_CONTROL", channel.ReasonThrottled, true},
		{"gateway throttling", fakealiyun.ThrottlingUser, "Throttling.User", channel.ReasonThrottled, true},
		{"internal error", fakealiyun.InternalError, "InternalError", channel.ReasonProviderError, true},
		{"503", fakealiyun.Unavailable, "HTTP 503", channel.ReasonProviderError, true},
		{"balance", fakealiyun.Fault{Code: "isv.AMOUNT_NOT_ENOUGH", Message: "账户余额不足"}, "isv.AMOUNT_NOT_ENOUGH", channel.ReasonQuotaExceeded, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			ch := newClient(t, s, nil, nil)
			s.Fail("SendSms", 2, tc.fault)
			s.Fail("QuerySmsSignList", 1, fakealiyun.InternalError) // other actions are not affected
			for range 2 {
				_, err := ch.Send(context.Background(), msg)
				var ce *channel.Error
				if !errorsAs(err, &ce) || ce.Code != tc.code || ce.Reason != tc.reason || ce.Transient != tc.transient {
					t.Fatalf("error %#v", err)
				}
			}
			if _, err := ch.Send(context.Background(), msg); err != nil {
				t.Errorf("third call: %v", err)
			}
			if s.Calls("SendSms") != 3 || len(s.Sent()) != 1 || len(s.Refused()) != 0 {
				t.Errorf("calls %d, sent %d, refused %v", s.Calls("SendSms"), len(s.Sent()), s.Refused())
			}
		})
	}
}

func errorsAs(err error, target **channel.Error) bool {
	ce, ok := err.(*channel.Error)
	*target = ce
	return ok
}

func TestStall(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, &http.Client{Timeout: 100 * time.Millisecond})
	s.Stall("", 1)
	start := time.Now()
	_, err := ch.Send(context.Background(), channel.Message{To: phoneOne, TemplateParams: map[string]string{"name": "a", "content": "b"}})
	if channel.Reason(err) != channel.ReasonTimeout || time.Since(start) > 3*time.Second {
		t.Fatalf("stalled call: %v after %v", err, time.Since(start))
	}
	if _, err := ch.Send(context.Background(), channel.Message{To: phoneOne, TemplateParams: map[string]string{"name": "a", "content": "b"}}); err != nil {
		t.Errorf("after the stall: %v", err)
	}
}

func TestNoticeCap(t *testing.T) {
	s := newServer(t)
	s.CapNoticesPerTemplate(2)
	ch := newClient(t, s, nil, nil)
	msg := channel.Message{To: phoneOne, TemplateParams: map[string]string{"name": "a", "content": "b"}}
	for i := range 3 {
		_, err := ch.Send(context.Background(), msg)
		if i < 2 && err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if i == 2 {
			var ce *channel.Error
			if !errorsAs(err, &ce) || ce.Code != "isv.BUSINESS_LIMIT_CONTROL" {
				t.Fatalf("over the cap: %v", err)
			}
		}
	}
	if _, err := ch.Send(context.Background(), channel.Message{To: phoneOne, Template: noVars}); err != nil {
		t.Errorf("another template: %v", err)
	}
	if _, err := ch.Send(context.Background(), channel.Message{To: "13800000009", TemplateParams: msg.TemplateParams}); err != nil {
		t.Errorf("another number: %v", err)
	}
}

func TestClockAndConfig(t *testing.T) {
	s := newServer(t)
	past := time.Date(2024, 3, 5, 6, 7, 8, 0, time.UTC)
	s.SetClock(func() time.Time { return past })
	s.AllowNonceReuse()
	var cfg map[string]any
	if err := json.Unmarshal(s.Config(sign, notice, map[string]any{"text_param": "content"}), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["endpoint"] != s.URL() || cfg["access_key_id"] != fakealiyun.AccessKeyID || cfg["text_param"] != "content" {
		t.Errorf("config %v", cfg)
	}
	ch, err := channel.NewWithEnv("aliyun", s.Config(sign, notice, nil), channel.Env{Now: func() time.Time { return past },
		Network: outbound.Policy{AllowPrivate: true}}) // the fake listens on loopback
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Send(context.Background(), channel.Message{To: phoneOne, TemplateParams: map[string]string{"name": "a", "content": "b"}}); err != nil {
		t.Fatal(err)
	}
	if at := s.Sent()[0].At; !at.Equal(past) {
		t.Errorf("message at %v", at)
	}
}

func TestConcurrentSends(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, nil, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := ch.Send(context.Background(), channel.Message{To: fmt.Sprintf("138%08d", i), TemplateParams: map[string]string{"name": "a", "content": "b"}})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(s.Sent()) != 20 || len(s.Reports()) != 20 || s.Calls("SendSms") != 20 {
		t.Errorf("sent %d", len(s.Sent()))
	}
}
