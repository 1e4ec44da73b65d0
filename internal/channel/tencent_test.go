package channel

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testTencentID  = "AKIDtestSecretId"
	testTencentKey = "testTencentSecretKey"
)

// tencentDocSign checks the TC3-HMAC-SHA256 signature of a received
// request by following "签名方法 v3" step by step, independently of the
// production signer. It returns "" when the signature is right.
func tencentDocSign(secretID, secretKey string, r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	m := regexp.MustCompile(`^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$`).FindStringSubmatch(auth)
	if m == nil {
		return "malformed Authorization: " + auth
	}
	id, date, service, signedHeaders, signature := m[1], m[2], m[3], m[4], m[5]
	if id != secretID {
		return "wrong SecretId " + id
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return "bad X-TC-Timestamp"
	}
	// Date must be the UTC date of X-TC-Timestamp.
	if want := time.Unix(ts, 0).UTC().Format("2006-01-02"); date != want {
		return "credential date " + date + ", want " + want
	}
	if service != "sms" {
		return "service " + service
	}
	// 1. CanonicalRequest.
	var canonicalHeaders string
	for _, h := range strings.Split(signedHeaders, ";") {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		canonicalHeaders += strings.ToLower(h) + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n"
	}
	payload := sha256.Sum256(body)
	canonicalRequest := strings.Join([]string{
		r.Method, "/", "", canonicalHeaders, signedHeaders, hex.EncodeToString(payload[:]),
	}, "\n")
	// 2. StringToSign.
	crHash := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/" + service + "/tc3_request\n" + hex.EncodeToString(crHash[:])
	// 3. Signature.
	h := func(key []byte, msg string) []byte {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(msg))
		return mac.Sum(nil)
	}
	secretSigning := h(h(h([]byte("TC3"+secretKey), date), service), "tc3_request")
	if want := hex.EncodeToString(h(secretSigning, stringToSign)); want != signature {
		return "signature mismatch: want " + want
	}
	return ""
}

// TestTC3DocExample checks the production signer against the worked
// example of Tencent Cloud's "Signature v3" page (CVM DescribeInstances,
// timestamp 1551113065).
func TestTC3DocExample(t *testing.T) {
	payload := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	got := tc3Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
		"cvm", "cvm.tencentcloudapi.com", time.Unix(1551113065, 0), payload)
	want := "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
		"SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

func newTencentFake(t *testing.T, cfg TencentConfig, client *http.Client, respond func(http.ResponseWriter, recorded)) (*fakeProvider, *Tencent) {
	t.Helper()
	f := newFakeProvider(t, func(r *http.Request, body []byte) string {
		switch {
		case r.Method != http.MethodPost || r.URL.Path != "/":
			return "want POST /"
		case r.Header.Get("Content-Type") != "application/json; charset=utf-8":
			return "Content-Type " + r.Header.Get("Content-Type")
		case r.Header.Get("X-TC-Action") != "SendSms":
			return "X-TC-Action " + r.Header.Get("X-TC-Action")
		case r.Header.Get("X-TC-Version") != "2021-01-11":
			return "X-TC-Version " + r.Header.Get("X-TC-Version")
		case r.Header.Get("X-TC-Timestamp") != strconv.FormatInt(fixedNow.Unix(), 10):
			return "X-TC-Timestamp " + r.Header.Get("X-TC-Timestamp")
		case r.Header.Get("X-TC-Region") != "ap-guangzhou":
			return "X-TC-Region " + r.Header.Get("X-TC-Region")
		}
		return tencentDocSign(testTencentID, testTencentKey, r, body)
	}, respond)
	cfg.SecretID, cfg.SecretKey, cfg.Endpoint = testTencentID, testTencentKey, f.srv.URL
	if cfg.SmsSdkAppID == "" {
		cfg.SmsSdkAppID = "1400006666"
	}
	if cfg.TemplateID == "" {
		cfg.TemplateID = "1110"
	}
	tc, err := NewTencent(cfg, testEnv(client))
	if err != nil {
		t.Fatal(err)
	}
	return f, tc
}

// tencentEcho answers each number with a status; 18500000001 fails with
// IncorrectPhoneNumber, 18599900001 with a blacklist hit, and
// statuses come back in reverse order (the API does not promise order).
func tencentEcho(w http.ResponseWriter, rec recorded) {
	var req struct {
		PhoneNumberSet []string
		SessionContext string
	}
	_ = json.Unmarshal(rec.Body, &req)
	var set []map[string]any
	for i := len(req.PhoneNumberSet) - 1; i >= 0; i-- {
		n := req.PhoneNumberSet[i]
		e164 := n
		if !strings.HasPrefix(n, "+") {
			e164 = "+86" + n
		}
		st := map[string]any{"SerialNo": "2028:" + strings.TrimPrefix(e164, "+"), "PhoneNumber": e164, "Fee": 1,
			"SessionContext": req.SessionContext, "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
		switch {
		case strings.HasSuffix(n, "18500000001"):
			st["SerialNo"], st["Fee"], st["Code"], st["Message"] = "", 0, "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number"
		case strings.HasSuffix(n, "18599900001"):
			st["SerialNo"], st["Fee"], st["Code"], st["Message"] = "", 0, "FailedOperation.PhoneNumberInBlacklist", "phone number in blacklist"
		}
		set = append(set, st)
	}
	b, _ := json.Marshal(map[string]any{"Response": map[string]any{"SendStatusSet": set, "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}})
	_, _ = w.Write(b)
}

func TestTencentSend(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云", ParamOrder: []string{"name", "code"}}, nil, tencentEcho)
	id, err := tc.Send(context.Background(), Message{To: "+8618501234444", Ref: "d-7",
		TemplateParams: map[string]string{"code": "4370", "name": "张三"}})
	if err != nil || id != "2028:8618501234444" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"PhoneNumberSet":   []any{"+8618501234444"},
		"SmsSdkAppId":      "1400006666",
		"TemplateId":       "1110",
		"SignName":         "腾讯云",
		"TemplateParamSet": []any{"张三", "4370"},
		"SessionContext":   "d-7",
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body = %v\nwant %v", body, want)
	}
}

func TestTencentBatchPerNumberStatus(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云", TextParam: "1"}, nil, tencentEcho)
	msgs := make([]Message, 401)
	for i := range msgs {
		msgs[i] = Message{To: fmt.Sprintf("185%08d", 10000000+i), Text: "您的订单已发货", Ref: fmt.Sprint(i)}
	}
	msgs[5].To = "18500000001"   // invalid
	msgs[300].To = "18599900001" // blacklisted
	res := tc.SendBatch(context.Background(), msgs)
	for i, r := range res {
		switch i {
		case 5:
			wantChannelError(t, r.Err, ReasonInvalidMobile, false)
		case 300:
			wantChannelError(t, r.Err, ReasonBlocked, false)
		default:
			if r.Err != nil || r.ProviderID != "2028:86"+msgs[i].To || r.Ref != fmt.Sprint(i) {
				t.Fatalf("result %d = %+v", i, r)
			}
		}
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 200 + 200 + 1", len(reqs))
	}
	for i, wantN := range []int{200, 200, 1} {
		var body struct {
			PhoneNumberSet   []string
			TemplateParamSet []string
			SessionContext   *string
		}
		if err := json.Unmarshal(reqs[i].Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body.PhoneNumberSet) != wantN || !reflect.DeepEqual(body.TemplateParamSet, []string{"您的订单已发货"}) {
			t.Errorf("call %d: %d numbers, params %v", i, len(body.PhoneNumberSet), body.TemplateParamSet)
		}
		if (body.SessionContext != nil) != (wantN == 1) {
			t.Errorf("call %d: SessionContext present = %v", i, body.SessionContext != nil)
		}
	}
}

func TestTencentParamsByPosition(t *testing.T) {
	_, tc := newTencentFake(t, TencentConfig{}, nil, tencentEcho)
	set, err := tc.params(Message{TemplateParams: map[string]string{"2": "b", "1": "a", "3": "c"}})
	if err != nil || !reflect.DeepEqual(set, []string{"a", "b", "c"}) {
		t.Errorf("params = %v, %v", set, err)
	}
	_, err = tc.params(Message{TemplateParams: map[string]string{"1": "a", "3": "c"}})
	wantChannelError(t, err, ReasonTemplateRejected, false)
	_, err = tc.params(Message{TemplateParams: map[string]string{"name": "a"}})
	wantChannelError(t, err, ReasonTemplateRejected, false)
}

func TestTencentErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		reason    string
		transient bool
	}{
		{"signature", 200, `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"x"}}`, ReasonAuthFailed, false},
		{"frequency", 200, `{"Response":{"Error":{"Code":"LimitExceeded.DeliveryFrequencyLimit","Message":"频率限制"},"RequestId":"x"}}`, ReasonThrottled, true},
		{"template", 200, `{"Response":{"Error":{"Code":"FailedOperation.TemplateIncorrectOrUnapproved","Message":"模板未审批"},"RequestId":"x"}}`, ReasonTemplateRejected, false},
		{"sign", 200, `{"Response":{"Error":{"Code":"FailedOperation.SignatureIncorrectOrUnapproved","Message":"签名未审批"},"RequestId":"x"}}`, ReasonSignRejected, false},
		{"balance", 200, `{"Response":{"Error":{"Code":"FailedOperation.InsufficientBalanceInSmsPackage","Message":"套餐包余量不足"},"RequestId":"x"}}`, ReasonQuotaExceeded, false},
		{"internal", 200, `{"Response":{"Error":{"Code":"InternalError.OtherError","Message":"其他错误"},"RequestId":"x"}}`, ReasonProviderError, true},
		{"502", 502, `bad gateway`, ReasonProviderError, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, p := newTencentFake(t, TencentConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			res := p.SendBatch(context.Background(), []Message{{To: "+8618501234444"}, {To: "+8618501234445"}})
			for _, r := range res {
				wantChannelError(t, r.Err, tc.reason, tc.transient)
			}
		})
	}
}

func TestTencentTimeout(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{}, &http.Client{Timeout: 50 * time.Millisecond}, nil)
	f.stall()
	_, err := tc.Send(context.Background(), Message{To: "+8618501234444"})
	wantChannelError(t, err, ReasonTimeout, true)
}

func TestTencentMissingStatus(t *testing.T) {
	_, tc := newTencentFake(t, TencentConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
		fmt.Fprint(w, `{"Response":{"SendStatusSet":[{"SerialNo":"s1","PhoneNumber":"+8618501234444","Code":"Ok"}],"RequestId":"x"}}`)
	})
	res := tc.SendBatch(context.Background(), []Message{{To: "+8618501234444"}, {To: "+8618501234445"}})
	if res[0].Err != nil || res[0].ProviderID != "s1" {
		t.Errorf("first = %+v", res[0])
	}
	wantChannelError(t, res[1].Err, ReasonProviderError, false)
}

func TestTencentConfig(t *testing.T) {
	for field, cfg := range map[string]string{
		"secret_id":      `{"secret_key":"k","sms_sdk_app_id":"1","template_id":"2"}`,
		"secret_key":     `{"secret_id":"i","sms_sdk_app_id":"1","template_id":"2"}`,
		"sms_sdk_app_id": `{"secret_id":"i","secret_key":"k","template_id":"2"}`,
		"endpoint":       `{"secret_id":"i","secret_key":"k","sms_sdk_app_id":"1","template_id":"2","endpoint":"::"}`,
		"param_order":    `{"secret_id":"i","secret_key":"k","sms_sdk_app_id":"1","template_id":"2","param_order":"x"}`,
	} {
		_, err := New("tencent", []byte(cfg), nil)
		if ce, ok := err.(*ConfigError); !ok || ce.Field != field {
			t.Errorf("%s: error %v", field, err)
		}
	}
}
