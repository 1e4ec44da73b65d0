package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchbase/internal/testutil/fakealiyun"
)

// TestACS3DocExamples checks the production signer against the two worked
// examples of Alibaba Cloud's V3 signature documentation (an ECS
// RunInstances call with query ImageId=…&RegionId=cn-shanghai, an empty
// body and the key pair YourAccessKeyId / YourAccessKeySecret).
func TestACS3DocExamples(t *testing.T) {
	query := acs3Query(url.Values{
		"ImageId":  {"win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
		"RegionId": {"cn-shanghai"},
	})
	if want := "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"; query != want {
		t.Fatalf("query = %s, want %s", query, want)
	}
	for _, tc := range []struct{ date, nonce, signature string }{
		{"2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d", "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"},
		{"2023-10-26T09:01:01Z", "d410180a5abf7fe235dd9b74aca91fc0", "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"},
	} {
		headers := map[string]string{
			"host":                  "ecs.cn-shanghai.aliyuncs.com",
			"x-acs-action":          "RunInstances",
			"x-acs-version":         "2014-05-26",
			"x-acs-date":            tc.date,
			"x-acs-signature-nonce": tc.nonce,
			"x-acs-content-sha256":  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		}
		got := acs3Authorization("YourAccessKeyId", "YourAccessKeySecret", "POST", "/", query, headers, nil)
		want := "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" + tc.signature
		if got != want {
			t.Errorf("date %s:\n got %s\nwant %s", tc.date, got, want)
		}
	}
}

func TestACS3PercentEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"a b*c~d":        "a%20b%2Ac~d",
		`{"code":"1"}`:   "%7B%22code%22%3A%221%22%7D",
		"阿里":             "%E9%98%BF%E9%87%8C",
		"+86,138":        "%2B86%2C138",
		"A-Z_a.z0~9":     "A-Z_a.z0~9",
		"/=&?%":          "%2F%3D%26%3F%25",
		"\x00\xff":       "%00%FF",
		"SMS_123456789 ": "SMS_123456789%20",
	} {
		if got := acs3Percent(in); got != want {
			t.Errorf("acs3Percent(%q) = %s, want %s", in, got, want)
		}
	}
}

const aliyunSign = "阿里云短信测试"

// newAliyunFake starts a fake dysmsapi with the test signature and the
// given templates, and a provider pointing at it (default template
// SMS_154950909, text_param "content").
func newAliyunFake(t *testing.T, templates ...fakealiyun.Template) (*fakealiyun.Server, *Aliyun) {
	t.Helper()
	f := fakealiyun.New(t)
	f.SetClock(func() time.Time { return fixedNow })
	f.AllowNonceReuse() // testEnv's random source gives every call the same nonce
	f.AddSign(fakealiyun.Sign{Name: aliyunSign})
	for _, tpl := range templates {
		f.AddTemplate(tpl)
	}
	cfg := AliyunConfig{AccessKeyID: fakealiyun.AccessKeyID, AccessKeySecret: fakealiyun.AccessKeySecret,
		SignName: aliyunSign, TemplateCode: "SMS_154950909", TextParam: "content", Endpoint: f.URL()}
	a, err := NewAliyun(cfg, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	return f, a
}

// aliyunNotice is a notice template with the given content.
func aliyunNotice(code, content string) fakealiyun.Template {
	return fakealiyun.Template{Code: code, Name: code, Content: content, Kind: fakealiyun.Notice}
}

// aliyunRequests returns the requests the fake received, failing the test
// on any it refused and on any not dated by the test clock, without a
// fresh-looking nonce or with a body.
func aliyunRequests(t *testing.T, f *fakealiyun.Server) []fakealiyun.Request {
	t.Helper()
	for _, r := range f.Refused() {
		t.Errorf("request refused by the fake provider: %+v", r)
	}
	reqs := f.Requests()
	for i, r := range reqs {
		if v := r.Header.Get("x-acs-date"); v != "2024-03-05T06:07:08Z" {
			t.Errorf("request %d: x-acs-date %s", i, v)
		}
		if v := r.Header.Get("x-acs-signature-nonce"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(v) {
			t.Errorf("request %d: x-acs-signature-nonce %s", i, v)
		}
		if len(r.Body) != 0 {
			t.Errorf("request %d: unexpected body", i)
		}
	}
	return reqs
}

func TestAliyunSend(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${name}您好：${content}"))
	id, err := a.Send(context.Background(), Message{To: "+8613800138000", Text: "您好 *~", Ref: "d-42",
		TemplateParams: map[string]string{"name": "张三"}})
	if err != nil || id == "" || id != f.Sent()[0].BizID {
		t.Fatalf("Send = %q, %v", id, err)
	}
	reqs := aliyunRequests(t, f)
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if a := reqs[0].Header.Get("x-acs-action"); a != "SendSms" {
		t.Errorf("x-acs-action = %s", a)
	}
	want := url.Values{
		"PhoneNumbers":  {"8613800138000"},
		"SignName":      {"阿里云短信测试"},
		"TemplateCode":  {"SMS_154950909"},
		"TemplateParam": {`{"content":"您好 *~","name":"张三"}`},
		"OutId":         {"d-42"},
	}
	if got := reqs[0].Params; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("query = %v\nwant %v", got, want)
	}
	if text := f.Sent()[0].Text; text != "【阿里云短信测试】张三您好：您好 *~" {
		t.Errorf("text = %s", text)
	}
}

func TestAliyunBatchSharedParams(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${content}"))
	msgs := make([]Message, 1001)
	for i := range msgs {
		msgs[i] = Message{To: fmt.Sprintf("+86138%08d", i), Text: "会议通知", Ref: fmt.Sprint(i)}
	}
	res := a.SendBatch(context.Background(), msgs)
	if len(res) != len(msgs) {
		t.Fatalf("%d results", len(res))
	}
	sent := f.Sent()
	for i, r := range res {
		if r.Err != nil || r.ProviderID == "" || r.ProviderID != sent[i].BizID || r.Ref != fmt.Sprint(i) || r.To != msgs[i].To {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	if res[0].ProviderID != res[999].ProviderID || res[999].ProviderID == res[1000].ProviderID {
		t.Errorf("want one BizId per call: %s %s %s", res[0].ProviderID, res[999].ProviderID, res[1000].ProviderID)
	}
	reqs := aliyunRequests(t, f)
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (1000 + 1)", len(reqs))
	}
	q0, q1 := reqs[0].Params, reqs[1].Params
	numbers := strings.Split(q0.Get("PhoneNumbers"), ",")
	if len(numbers) != 1000 || numbers[0] != "8613800000000" || numbers[999] != "8613800000999" {
		t.Errorf("first call numbers: %d, %s … %s", len(numbers), numbers[0], numbers[len(numbers)-1])
	}
	if q0.Has("OutId") {
		t.Error("a multi-number call must not carry one message's OutId")
	}
	if q1.Get("PhoneNumbers") != "8613800001000" || q1.Get("TemplateParam") != `{"content":"会议通知"}` {
		t.Errorf("second call: %v", q1)
	}
}

func TestAliyunBatchPerRecipientParams(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${name}，您的快递已到。"))
	msgs := []Message{
		{To: "+8613800000001", TemplateParams: map[string]string{"name": "张三"}, Ref: "a"},
		{To: "+8613800000002", TemplateParams: map[string]string{"name": "李四"}, Ref: "b"},
		{To: "+8613800000003", TemplateParams: map[string]string{"name": "王五"}, Ref: "c"},
	}
	res := a.SendBatch(context.Background(), msgs)
	for i, r := range res {
		if r.Err != nil || r.ProviderID == "" || r.ProviderID != res[0].ProviderID {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	reqs := aliyunRequests(t, f)
	if len(reqs) != 1 || reqs[0].Header.Get("x-acs-action") != "SendBatchSms" {
		t.Fatalf("want one SendBatchSms call, got %d", len(reqs))
	}
	q := reqs[0].Params
	checks := map[string]string{
		"PhoneNumberJson":   `["8613800000001","8613800000002","8613800000003"]`,
		"SignNameJson":      `["阿里云短信测试","阿里云短信测试","阿里云短信测试"]`,
		"TemplateCode":      "SMS_154950909",
		"TemplateParamJson": `[{"name":"张三"},{"name":"李四"},{"name":"王五"}]`,
	}
	for k, want := range checks {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if len(q) != len(checks) {
		t.Errorf("unexpected parameters: %v", q)
	}
	if texts := []string{f.Sent()[0].Text, f.Sent()[2].Text}; texts[0] != "【阿里云短信测试】张三，您的快递已到。" || texts[1] != "【阿里云短信测试】王五，您的快递已到。" {
		t.Errorf("texts %v", texts)
	}
}

// TestAliyunBatchInvalidNumber: a multi-number SendSms refused for an
// invalid number is retried number by number, so only that one fails.
func TestAliyunBatchInvalidNumber(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${content}"))
	msgs := []Message{{To: "+8613800000001", Text: "hi"}, {To: "123", Text: "hi"}, {To: "+8613800000003", Text: "hi"}}
	res := a.SendBatch(context.Background(), msgs)
	bizOf := map[string]string{}
	for _, m := range f.Sent() {
		bizOf[m.PhoneNumber] = m.BizID
	}
	if res[0].Err != nil || res[0].ProviderID != bizOf["8613800000001"] || res[2].Err != nil || res[2].ProviderID != bizOf["8613800000003"] ||
		res[0].ProviderID == "" || res[0].ProviderID == res[2].ProviderID {
		t.Errorf("valid numbers: %+v / %+v", res[0], res[2])
	}
	ce := wantChannelError(t, res[1].Err, ReasonInvalidMobile, false)
	if ce.Code != "isv.MOBILE_NUMBER_ILLEGAL" || ce.Detail != "非法手机号" {
		t.Errorf("error = %+v", ce)
	}
	if n := f.Calls(""); n != 4 {
		t.Errorf("%d requests, want 1 batch + 3 single", n)
	}
	refused := f.Refused()
	if len(refused) != 2 || refused[0].Code != "isv.MOBILE_NUMBER_ILLEGAL" || refused[1].Code != "isv.MOBILE_NUMBER_ILLEGAL" {
		t.Errorf("refused: %+v (only the batch and the single call with 123)", refused)
	}
}

func TestAliyunErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     fakealiyun.Fault
		reason    string
		transient bool
		code      string
	}{
		{"throttled", fakealiyun.BusinessLimit, ReasonThrottled, true, "isv.BUSINESS_LIMIT_CONTROL"},
		{"template", fakealiyun.Fault{Code: "isv.SMS_TEMPLATE_ILLEGAL", Message: "模板不合法"}, ReasonTemplateRejected, false, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"balance", fakealiyun.Fault{Code: "isv.AMOUNT_NOT_ENOUGH", Message: "账户余额不足"}, ReasonQuotaExceeded, false, "isv.AMOUNT_NOT_ENOUGH"},
		{"bad key", fakealiyun.Fault{Status: 404, Code: "InvalidAccessKeyId.NotFound", Message: "Specified access key is not found."}, ReasonAuthFailed, false, "InvalidAccessKeyId.NotFound"},
		{"gateway throttling", fakealiyun.ThrottlingUser, ReasonThrottled, true, "Throttling.User"},
		{"server error with code", fakealiyun.Fault{Status: 500, Code: "InternalError", Message: "oops"}, ReasonProviderError, true, "InternalError"},
		{"503 html", fakealiyun.Fault{Status: 503, Body: `<html>Service Unavailable</html>`}, ReasonProviderError, true, "HTTP 503"},
		{"unknown isv", fakealiyun.Fault{Code: "isv.SOMETHING_NEW", Message: "?"}, ReasonProviderError, false, "isv.SOMETHING_NEW"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${content}"))
			f.Fail("SendSms", 1, tc.fault)
			_, err := a.Send(context.Background(), Message{To: "+8613800138000", Text: "x"})
			if ce := wantChannelError(t, err, tc.reason, tc.transient); ce.Code != tc.code || ce.Provider != "aliyun" {
				t.Errorf("error = %+v", ce)
			}
			aliyunRequests(t, f)
		})
	}
}

func TestAliyunTimeout(t *testing.T) {
	f := fakealiyun.New(t)
	f.Stall("", 10)
	a, err := NewAliyun(AliyunConfig{AccessKeyID: fakealiyun.AccessKeyID, AccessKeySecret: fakealiyun.AccessKeySecret,
		SignName: "s", TemplateCode: "t", Endpoint: f.URL()}, Env{HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	res := a.SendBatch(context.Background(), []Message{{To: "+8613800000001"}, {To: "+8613800000002"}})
	for _, r := range res {
		wantChannelError(t, r.Err, ReasonTimeout, true)
	}
}

func TestAliyunEmptyNumber(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_154950909", "${content}"))
	_, err := a.Send(context.Background(), Message{To: " ", Text: "x"})
	wantChannelError(t, err, ReasonInvalidMobile, false)
	if f.Calls("") != 0 {
		t.Error("an empty number must not reach the provider")
	}
}

func TestAliyunConfig(t *testing.T) {
	base := map[string]any{"access_key_id": "id", "access_key_secret": "s", "sign_name": "n"}
	for field := range base {
		cfg := map[string]any{}
		for k, v := range base {
			if k != field {
				cfg[k] = v
			}
		}
		b, _ := json.Marshal(cfg)
		_, err := New("aliyun", b, nil)
		ce, ok := err.(*ConfigError)
		if !ok || ce.Field != field {
			t.Errorf("without %s: error %v, want a ConfigError naming it", field, err)
		}
	}
	b, _ := json.Marshal(base)
	c, err := New("aliyun", b, nil)
	if err != nil || c.Name() != "aliyun" || c.Kind() != KindSMS || c.MaxBatch() != 1000 {
		t.Fatalf("New = %v, %v", c, err)
	}
	if _, err := New("aliyun", []byte(`{"access_key_id":"id","endpoint":"ftp://x"}`), nil); err == nil {
		t.Error("want an error for missing fields")
	}
	_, err = New("aliyun", []byte(`{"access_key_id":"id","access_key_secret":"s","sign_name":"n","template_code":"t","endpoint":"ftp://x"}`), nil)
	if ce, ok := err.(*ConfigError); !ok || ce.Field != "endpoint" {
		t.Errorf("bad endpoint: %v", err)
	}
	_, err = New("aliyun", []byte(`{"access_key_id":1}`), nil)
	if ce, ok := err.(*ConfigError); !ok || ce.Field != "access_key_id" {
		t.Errorf("wrong type: %v", err)
	}
	_, err = New("aliyun", []byte(`{"acess_key_id":"typo"}`), nil)
	if ce, ok := err.(*ConfigError); !ok || !strings.Contains(ce.Problem, "acess_key_id") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestAliyunNoTemplateParams(t *testing.T) {
	f, a := newAliyunFake(t, aliyunNotice("SMS_999", "系统维护通知。"))
	if _, err := a.Send(context.Background(), Message{To: "13800138000", Template: "SMS_999"}); err != nil {
		t.Fatal(err)
	}
	q := aliyunRequests(t, f)[0].Params
	if q.Has("TemplateParam") || q.Get("TemplateCode") != "SMS_999" || q.Get("PhoneNumbers") != "13800138000" {
		t.Errorf("query = %v", q)
	}
}
