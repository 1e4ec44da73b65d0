package channel

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

const (
	testAliyunKeyID  = "LTAI5tTestKeyId"
	testAliyunSecret = "testAliyunSecret+/="
)

// aliyunDocSign recomputes the V3 signature of a received request, step
// by step as "V3版本请求体&签名机制" describes, independently of the
// production signer. It returns "" when the request is correctly signed.
func aliyunDocSign(secret string, r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	m := regexp.MustCompile(`^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$`).FindStringSubmatch(auth)
	if m == nil {
		return "malformed Authorization: " + auth
	}
	if m[1] != testAliyunKeyID {
		return "wrong Credential " + m[1]
	}
	signed := strings.Split(m[2], ";")
	for _, h := range []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"} {
		found := false
		for _, s := range signed {
			found = found || s == h
		}
		if !found {
			return "header " + h + " not signed"
		}
	}
	// Step 1: canonical request.
	// CanonicalQueryString: parameters sorted by name, names and values
	// URL-encoded, then "+" -> "%20", "*" -> "%2A", "%7E" -> "~".
	enc := func(s string) string {
		s = url.QueryEscape(s)
		s = strings.ReplaceAll(s, "+", "%20")
		s = strings.ReplaceAll(s, "*", "%2A")
		return strings.ReplaceAll(s, "%7E", "~")
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, enc(k)+"="+enc(q.Get(k)))
	}
	canonicalQuery := strings.Join(pairs, "&")
	// CanonicalHeaders: lower-case name ":" trimmed value "\n", in
	// SignedHeaders order (which must already be sorted).
	if !sort.StringsAreSorted(signed) {
		return "SignedHeaders not sorted"
	}
	var headers string
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers += h + ":" + strings.TrimSpace(v) + "\n"
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if r.Header.Get("x-acs-content-sha256") != payloadHash {
		return "x-acs-content-sha256 does not match the body"
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonicalRequest := r.Method + "\n" + path + "\n" + canonicalQuery + "\n" + headers + "\n" + m[2] + "\n" + payloadHash
	// Step 2: string to sign.
	crHash := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(crHash[:])
	// Step 3: signature.
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	if want := hex.EncodeToString(mac.Sum(nil)); want != m[3] {
		return "signature mismatch: want " + want + ", got " + m[3]
	}
	return ""
}

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

type aliyunFake struct {
	*fakeProvider
}

func newAliyunFake(t *testing.T, respond func(w http.ResponseWriter, rec recorded)) (*aliyunFake, *Aliyun) {
	t.Helper()
	f := newFakeProvider(t, func(r *http.Request, body []byte) string {
		if r.Method != http.MethodPost || r.URL.Path != "/" {
			return "want POST /, got " + r.Method + " " + r.URL.Path
		}
		if v := r.Header.Get("x-acs-version"); v != "2017-05-25" {
			return "x-acs-version " + v
		}
		if v := r.Header.Get("x-acs-date"); v != "2024-03-05T06:07:08Z" {
			return "x-acs-date " + v
		}
		if v := r.Header.Get("x-acs-signature-nonce"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(v) {
			return "x-acs-signature-nonce " + v
		}
		if len(body) != 0 {
			return "unexpected body"
		}
		return aliyunDocSign(testAliyunSecret, r, body)
	}, respond)
	cfg := AliyunConfig{AccessKeyID: testAliyunKeyID, AccessKeySecret: testAliyunSecret,
		SignName: "阿里云短信测试", TemplateCode: "SMS_154950909", TextParam: "content", Endpoint: f.srv.URL}
	a, err := NewAliyun(cfg, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	return &aliyunFake{f}, a
}

func aliyunOK(bizID string) func(http.ResponseWriter, recorded) {
	return func(w http.ResponseWriter, rec recorded) {
		fmt.Fprintf(w, `{"Code":"OK","Message":"OK","BizId":%q,"RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}`, bizID)
	}
}

func query(t *testing.T, rec recorded) url.Values {
	t.Helper()
	q, err := url.ParseQuery(rec.Query)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestAliyunSend(t *testing.T) {
	f, a := newAliyunFake(t, aliyunOK("9006197469364984400"))
	id, err := a.Send(context.Background(), Message{To: "+8613800138000", Text: "您好 *~", Ref: "d-42",
		TemplateParams: map[string]string{"name": "张三"}})
	if err != nil || id != "9006197469364984400" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	reqs := f.requests()
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
	if got := query(t, reqs[0]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("query = %v\nwant %v", got, want)
	}
}

func TestAliyunBatchSharedParams(t *testing.T) {
	f, a := newAliyunFake(t, aliyunOK("biz-1"))
	msgs := make([]Message, 1001)
	for i := range msgs {
		msgs[i] = Message{To: fmt.Sprintf("+86138%08d", i), Text: "会议通知", Ref: fmt.Sprint(i)}
	}
	res := a.SendBatch(context.Background(), msgs)
	if len(res) != len(msgs) {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		if r.Err != nil || r.ProviderID != "biz-1" || r.Ref != fmt.Sprint(i) || r.To != msgs[i].To {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (1000 + 1)", len(reqs))
	}
	q0, q1 := query(t, reqs[0]), query(t, reqs[1])
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
	f, a := newAliyunFake(t, aliyunOK("biz-2"))
	msgs := []Message{
		{To: "+8613800000001", TemplateParams: map[string]string{"name": "张三"}, Ref: "a"},
		{To: "+8613800000002", TemplateParams: map[string]string{"name": "李四"}, Ref: "b"},
		{To: "+8613800000003", TemplateParams: map[string]string{"name": "王五"}, Ref: "c"},
	}
	res := a.SendBatch(context.Background(), msgs)
	for i, r := range res {
		if r.Err != nil || r.ProviderID != "biz-2" {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Header.Get("x-acs-action") != "SendBatchSms" {
		t.Fatalf("want one SendBatchSms call, got %d", len(reqs))
	}
	q := query(t, reqs[0])
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
}

// TestAliyunBatchInvalidNumber: a multi-number SendSms refused for an
// invalid number is retried number by number, so only that one fails.
func TestAliyunBatchInvalidNumber(t *testing.T) {
	f, a := newAliyunFake(t, func(w http.ResponseWriter, rec recorded) {
		q, _ := url.ParseQuery(rec.Query)
		if strings.Contains(q.Get("PhoneNumbers"), "123") {
			fmt.Fprint(w, `{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号","RequestId":"x"}`)
			return
		}
		fmt.Fprintf(w, `{"Code":"OK","Message":"OK","BizId":"biz-%s","RequestId":"x"}`, q.Get("PhoneNumbers"))
	})
	msgs := []Message{{To: "+8613800000001", Text: "hi"}, {To: "123", Text: "hi"}, {To: "+8613800000003", Text: "hi"}}
	res := a.SendBatch(context.Background(), msgs)
	if res[0].Err != nil || res[0].ProviderID != "biz-8613800000001" || res[2].Err != nil || res[2].ProviderID != "biz-8613800000003" {
		t.Errorf("valid numbers: %+v / %+v", res[0], res[2])
	}
	ce := wantChannelError(t, res[1].Err, ReasonInvalidMobile, false)
	if ce.Code != "isv.MOBILE_NUMBER_ILLEGAL" || ce.Detail != "非法手机号" {
		t.Errorf("error = %+v", ce)
	}
	if n := len(f.requests()); n != 4 {
		t.Errorf("%d requests, want 1 batch + 3 single", n)
	}
}

func TestAliyunErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		reason    string
		transient bool
		code      string
	}{
		{"throttled", 200, `{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1"}`, ReasonThrottled, true, "isv.BUSINESS_LIMIT_CONTROL"},
		{"template", 200, `{"Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"模板不合法"}`, ReasonTemplateRejected, false, "isv.SMS_TEMPLATE_ILLEGAL"},
		{"balance", 200, `{"Code":"isv.AMOUNT_NOT_ENOUGH","Message":"账户余额不足"}`, ReasonQuotaExceeded, false, "isv.AMOUNT_NOT_ENOUGH"},
		{"bad key", 404, `{"RequestId":"x","HostId":"dysmsapi.aliyuncs.com","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}`, ReasonAuthFailed, false, "InvalidAccessKeyId.NotFound"},
		{"gateway throttling", 400, `{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}`, ReasonThrottled, true, "Throttling.User"},
		{"server error with code", 500, `{"Code":"InternalError","Message":"oops"}`, ReasonProviderError, true, "InternalError"},
		{"503 html", 503, `<html>Service Unavailable</html>`, ReasonProviderError, true, "HTTP 503"},
		{"unknown isv", 200, `{"Code":"isv.SOMETHING_NEW","Message":"?"}`, ReasonProviderError, false, "isv.SOMETHING_NEW"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := newAliyunFake(t, func(w http.ResponseWriter, _ recorded) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			_, err := a.Send(context.Background(), Message{To: "+8613800138000", Text: "x"})
			if ce := wantChannelError(t, err, tc.reason, tc.transient); ce.Code != tc.code || ce.Provider != "aliyun" {
				t.Errorf("error = %+v", ce)
			}
		})
	}
}

func TestAliyunTimeout(t *testing.T) {
	f := newFakeProvider(t, nil, func(w http.ResponseWriter, rec recorded) {})
	f.stall()
	a, err := NewAliyun(AliyunConfig{AccessKeyID: "k", AccessKeySecret: "s", SignName: "s", TemplateCode: "t", Endpoint: f.srv.URL},
		testEnv(&http.Client{Timeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	res := a.SendBatch(context.Background(), []Message{{To: "+8613800000001"}, {To: "+8613800000002"}})
	for _, r := range res {
		wantChannelError(t, r.Err, ReasonTimeout, true)
	}
}

func TestAliyunEmptyNumber(t *testing.T) {
	f, a := newAliyunFake(t, aliyunOK("x"))
	_, err := a.Send(context.Background(), Message{To: " ", Text: "x"})
	wantChannelError(t, err, ReasonInvalidMobile, false)
	if len(f.requests()) != 0 {
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
	f, a := newAliyunFake(t, aliyunOK("biz"))
	if _, err := a.Send(context.Background(), Message{To: "13800138000", Template: "SMS_999"}); err != nil {
		t.Fatal(err)
	}
	q := query(t, f.requests()[0])
	if q.Has("TemplateParam") || q.Get("TemplateCode") != "SMS_999" || q.Get("PhoneNumbers") != "13800138000" {
		t.Errorf("query = %v", q)
	}
}
