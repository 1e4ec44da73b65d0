package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"touchbase/internal/testutil/faketencent"
)

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

// newTencentFake starts a fake SMS API with the signature 腾讯云 and the
// given templates, and a provider pointing at it (default template 1110,
// app 1400006666 unless cfg says otherwise).
func newTencentFake(t *testing.T, cfg TencentConfig, client *http.Client, templates ...faketencent.Template) (*faketencent.Server, *Tencent) {
	t.Helper()
	f := faketencent.New(t)
	f.SetClock(func() time.Time { return fixedNow })
	f.AddSign(faketencent.Sign{Name: "腾讯云"})
	for _, tpl := range templates {
		f.AddTemplate(tpl)
	}
	cfg.SecretID, cfg.SecretKey, cfg.Endpoint = faketencent.SecretID, faketencent.SecretKey, f.URL()
	if cfg.SmsSdkAppID == "" {
		cfg.SmsSdkAppID = faketencent.SmsSdkAppID
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

// tencentNotice is a notice template.
func tencentNotice(id, content string) faketencent.Template {
	return faketencent.Template{ID: id, Name: id, Content: content, Kind: faketencent.Notice}
}

// tencentRequests returns the requests the fake received, failing the
// test on any it refused and on headers other than the test clock's
// timestamp and the default region.
func tencentRequests(t *testing.T, f *faketencent.Server) []faketencent.Request {
	t.Helper()
	for _, r := range f.Refused() {
		t.Errorf("refused by the fake provider: %+v", r)
	}
	reqs := f.Requests()
	for i, r := range reqs {
		switch {
		case r.Header.Get("Content-Type") != "application/json; charset=utf-8":
			t.Errorf("request %d: Content-Type %s", i, r.Header.Get("Content-Type"))
		case r.Header.Get("X-TC-Action") != "SendSms":
			t.Errorf("request %d: X-TC-Action %s", i, r.Header.Get("X-TC-Action"))
		case r.Header.Get("X-TC-Timestamp") != strconv.FormatInt(fixedNow.Unix(), 10):
			t.Errorf("request %d: X-TC-Timestamp %s", i, r.Header.Get("X-TC-Timestamp"))
		case r.Header.Get("X-TC-Region") != "ap-guangzhou":
			t.Errorf("request %d: X-TC-Region %s", i, r.Header.Get("X-TC-Region"))
		}
	}
	return reqs
}

func TestTencentSend(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云", ParamOrder: []string{"name", "code"}}, nil,
		tencentNotice("1110", "{1}您好，您的取件码为{2}。"))
	id, err := tc.Send(context.Background(), Message{To: "+8618501234444", Ref: "d-7",
		TemplateParams: map[string]string{"code": "4370", "name": "张三"}})
	if err != nil || id == "" || id != f.Sent()[0].SerialNo {
		t.Fatalf("Send = %q, %v", id, err)
	}
	reqs := tencentRequests(t, f)
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
	if text := f.Sent()[0].Text; text != "【腾讯云】张三您好，您的取件码为4370。" {
		t.Errorf("text = %s", text)
	}
}

// TestTencentBatchPerNumberStatus: 18500000001 fails with
// IncorrectPhoneNumber, 18599900001 with a blacklist hit, and statuses
// come back in reverse order (the API does not promise order).
func TestTencentBatchPerNumberStatus(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云", TextParam: "1"}, nil, tencentNotice("1110", "{1}"))
	f.ReverseStatuses(true)
	f.RejectNumber("18500000001", "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number")
	f.RejectNumber("18599900001", "FailedOperation.PhoneNumberInBlacklist", "phone number in blacklist")
	msgs := make([]Message, 401)
	for i := range msgs {
		msgs[i] = Message{To: fmt.Sprintf("185%08d", 10000000+i), Text: "您的订单已发货", Ref: fmt.Sprint(i)}
	}
	msgs[5].To = "18500000001"   // invalid
	msgs[300].To = "18599900001" // blacklisted
	res := tc.SendBatch(context.Background(), msgs)
	serial := map[string]string{}
	for _, m := range f.Sent() {
		serial[m.PhoneNumber] = m.SerialNo
	}
	for i, r := range res {
		switch i {
		case 5:
			wantChannelError(t, r.Err, ReasonInvalidMobile, false)
		case 300:
			wantChannelError(t, r.Err, ReasonBlocked, false)
		default:
			if r.Err != nil || r.ProviderID == "" || r.ProviderID != serial["+86"+msgs[i].To] || r.Ref != fmt.Sprint(i) {
				t.Fatalf("result %d = %+v", i, r)
			}
		}
	}
	reqs := tencentRequests(t, f)
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
	_, tc := newTencentFake(t, TencentConfig{}, nil)
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
		fault     faketencent.Fault
		reason    string
		transient bool
	}{
		{"signature", faketencent.Fault{Code: "AuthFailure.SignatureFailure", Message: "The provided credentials could not be validated."}, ReasonAuthFailed, false},
		{"frequency", faketencent.DeliveryFrequencyLimit, ReasonThrottled, true},
		{"template", faketencent.Fault{Code: "FailedOperation.TemplateIncorrectOrUnapproved", Message: "模板未审批"}, ReasonTemplateRejected, false},
		{"sign", faketencent.Fault{Code: "FailedOperation.SignatureIncorrectOrUnapproved", Message: "签名未审批"}, ReasonSignRejected, false},
		{"balance", faketencent.Fault{Code: "FailedOperation.InsufficientBalanceInSmsPackage", Message: "套餐包余量不足"}, ReasonQuotaExceeded, false},
		{"internal", faketencent.InternalError, ReasonProviderError, true},
		{"502", faketencent.Fault{Status: 502, Body: "bad gateway"}, ReasonProviderError, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, p := newTencentFake(t, TencentConfig{SignName: "腾讯云"}, nil, tencentNotice("1110", "系统维护通知"))
			f.Fail("SendSms", 1, tc.fault)
			res := p.SendBatch(context.Background(), []Message{{To: "+8618501234444"}, {To: "+8618501234445"}})
			for _, r := range res {
				wantChannelError(t, r.Err, tc.reason, tc.transient)
			}
			tencentRequests(t, f)
		})
	}
}

func TestTencentTimeout(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云"}, &http.Client{Timeout: 50 * time.Millisecond}, tencentNotice("1110", "x"))
	f.Stall("", 1)
	_, err := tc.Send(context.Background(), Message{To: "+8618501234444"})
	wantChannelError(t, err, ReasonTimeout, true)
}

func TestTencentMissingStatus(t *testing.T) {
	f, tc := newTencentFake(t, TencentConfig{SignName: "腾讯云"}, nil, tencentNotice("1110", "x"))
	f.OmitStatus("+8618501234445")
	res := tc.SendBatch(context.Background(), []Message{{To: "+8618501234444"}, {To: "+8618501234445"}})
	if res[0].Err != nil || res[0].ProviderID == "" || res[0].ProviderID != f.Sent()[0].SerialNo {
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
