package faketencent_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/testutil/faketencent"
)

const sign = "腾讯云"

func newServer(t *testing.T) *faketencent.Server {
	t.Helper()
	s := faketencent.New(t)
	s.AddSign(faketencent.Sign{Name: sign})
	s.AddSign(faketencent.Sign{Name: "审核中", Status: faketencent.Reviewing})
	s.AddTemplate(faketencent.Template{ID: "1110", Name: "验证码", Content: "{1}为您的登录验证码，请于{2}分钟内填写。", Kind: faketencent.Verification})
	s.AddTemplate(faketencent.Template{ID: "1111", Name: "发货通知", Content: "您的订单{1}已发货。", Kind: faketencent.Notice})
	s.AddTemplate(faketencent.Template{ID: "1112", Name: "促销", Content: "新品上市，拒收请回复R", Kind: faketencent.Marketing})
	s.AddTemplate(faketencent.Template{ID: "1113", Name: "被拒", Content: "x{1}", Kind: faketencent.Notice, Status: faketencent.Rejected, ReviewReply: "内容不规范"})
	return s
}

func newClient(t *testing.T, s *faketencent.Server, template string, extra map[string]any, client *http.Client) channel.Channel {
	t.Helper()
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	ch, err := channel.NewWithEnv("tencent", s.Config(sign, template, extra), channel.Env{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestSendThroughClient(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, "1110", map[string]any{"param_order": []string{"code", "minutes"}}, nil)
	id, err := ch.Send(context.Background(), channel.Message{To: "+8618501234444", Ref: "d-7",
		TemplateParams: map[string]string{"code": "4370", "minutes": "5"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Refused(); len(r) != 0 {
		t.Fatalf("refused %+v", r)
	}
	sent := s.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d sent", len(sent))
	}
	want := faketencent.Message{At: sent[0].At, PhoneNumber: "+8618501234444", SignName: sign, TemplateID: "1110",
		Kind: faketencent.Verification, Params: []string{"4370", "5"}, Text: "【腾讯云】4370为您的登录验证码，请于5分钟内填写。",
		SerialNo: id, SessionContext: "d-7", Fee: 1}
	if !reflect.DeepEqual(sent[0], want) || !strings.HasPrefix(id, "2028:") {
		t.Errorf("sent %+v\nwant %+v", sent[0], want)
	}
}

func TestBatchThroughClient(t *testing.T) {
	s := newServer(t)
	s.ReverseStatuses(true)
	s.RejectNumber("18599900001", "FailedOperation.PhoneNumberInBlacklist", "phone number in blacklist")
	ch := newClient(t, s, "1111", map[string]any{"text_param": "1"}, nil)
	msgs := make([]channel.Message, 201)
	for i := range msgs {
		msgs[i] = channel.Message{To: fmt.Sprintf("185%08d", 10000000+i), Text: "A100"}
	}
	msgs[3].To = "12345"
	msgs[7].To = "18599900001"
	res := ch.SendBatch(context.Background(), msgs)
	serial := map[string]string{}
	for _, m := range s.Sent() {
		serial[m.PhoneNumber] = m.SerialNo
	}
	for i, r := range res {
		switch i {
		case 3:
			if channel.Reason(r.Err) != channel.ReasonInvalidMobile {
				t.Errorf("invalid number: %v", r.Err)
			}
		case 7:
			if channel.Reason(r.Err) != channel.ReasonBlocked {
				t.Errorf("blacklisted: %v", r.Err)
			}
		default:
			if r.Err != nil || r.ProviderID == "" || r.ProviderID != serial["+86"+msgs[i].To] {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
	}
	if s.Calls("SendSms") != 2 || len(s.Sent()) != 199 {
		t.Errorf("calls %d, sent %d", s.Calls("SendSms"), len(s.Sent()))
	}
	if r := s.Refused(); len(r) != 1 || r[0].Code != "InvalidParameterValue.IncorrectPhoneNumber" || r[0].Number != "12345" {
		t.Errorf("refused %+v (the blacklist hit is the provider's, not an invalid request)", r)
	}
}

// signed returns a POST of action with body signed as "签名方法 v3"
// describes.
func signed(t *testing.T, s *faketencent.Server, action string, body string, edit func(h http.Header, key *string, ts *time.Time)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Now()
	key := faketencent.SecretKey
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", "2021-01-11")
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	if edit != nil {
		edit(req.Header, &key, &ts)
	}
	if req.Header.Get("X-TC-Timestamp") == "" {
		req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	}
	h := func(k []byte, m string) []byte {
		mac := hmac.New(sha256.New, k)
		mac.Write([]byte(m))
		return mac.Sum(nil)
	}
	date := ts.UTC().Format("2006-01-02")
	payload := sha256.Sum256([]byte(body))
	cr := "POST\n/\n\ncontent-type:" + strings.ToLower(req.Header.Get("Content-Type")) + "\nhost:" + req.URL.Host + "\n\ncontent-type;host\n" + hex.EncodeToString(payload[:])
	crh := sha256.Sum256([]byte(cr))
	sts := "TC3-HMAC-SHA256\n" + req.Header.Get("X-TC-Timestamp") + "\n" + date + "/sms/tc3_request\n" + hex.EncodeToString(crh[:])
	sig := hex.EncodeToString(h(h(h(h([]byte("TC3"+key), date), "sms"), "tc3_request"), sts))
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+faketencent.SecretID+"/"+date+"/sms/tc3_request, SignedHeaders=content-type;host, Signature="+sig)
	}
	return req
}

type response struct {
	Response struct {
		Error *struct {
			Code    string
			Message string
		}
		RequestID     string `json:"RequestId"`
		SendStatusSet []faketencent.SendStatus
	}
	raw map[string]any
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r response
	if resp.StatusCode != 200 || json.Unmarshal(b, &r) != nil || r.Response.RequestID == "" {
		t.Fatalf("answer %d %s", resp.StatusCode, b)
	}
	var raw struct{ Response map[string]any }
	_ = json.Unmarshal(b, &raw)
	r.raw = raw.Response
	return r
}

func sendBody(numbers []string, template, signName string, params ...string) string {
	b, _ := json.Marshal(map[string]any{"PhoneNumberSet": numbers, "SmsSdkAppId": faketencent.SmsSdkAppID,
		"TemplateId": template, "SignName": signName, "TemplateParamSet": params})
	return string(b)
}

func TestRequestChecks(t *testing.T) {
	one := []string{"+8613800138000"}
	numbers := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("+86138%08d", i)
		}
		return out
	}
	valid := sendBody(one, "1110", sign, "1234", "5")
	for _, tc := range []struct {
		name    string
		action  string
		body    string
		edit    func(h http.Header, key *string, ts *time.Time)
		code    string // whole-request error
		perCode string // the first SendStatus code
	}{
		{"valid", "SendSms", valid, nil, "", "Ok"},
		{"200 numbers", "SendSms", sendBody(numbers(200), "1111", sign, "A1"), nil, "", "Ok"},
		{"wrong key", "SendSms", valid, func(_ http.Header, key *string, _ *time.Time) { *key = "other" }, "AuthFailure.SignatureFailure", ""},
		{"unknown id", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) {
			h.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKIDother/"+time.Now().UTC().Format("2006-01-02")+"/sms/tc3_request, SignedHeaders=content-type;host, Signature="+strings.Repeat("0", 64))
		}, "AuthFailure.SecretIdNotFound", ""},
		{"malformed authorization", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) { h.Set("Authorization", "Bearer x") }, "AuthFailure.InvalidAuthorization", ""},
		{"expired", "SendSms", valid, func(_ http.Header, _ *string, ts *time.Time) { *ts = ts.Add(-6 * time.Minute) }, "AuthFailure.SignatureExpire", ""},
		{"no timestamp", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) { h.Set("X-TC-Timestamp", "soon") }, "InvalidParameter", ""},
		{"wrong version", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) { h.Set("X-TC-Version", "2019-07-11") }, "NoSuchVersion", ""},
		{"no region", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) { h.Del("X-TC-Region") }, "MissingParameter", ""},
		{"unknown region", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) { h.Set("X-TC-Region", "ap-tokyo") }, "UnsupportedRegion", ""},
		{"unknown action", "SendSmsX", valid, nil, "InvalidAction", ""},
		{"form content type", "SendSms", valid, func(h http.Header, _ *string, _ *time.Time) {
			h.Set("Content-Type", "application/x-www-form-urlencoded")
		}, "InvalidParameter", ""},
		{"not JSON", "SendSms", "PhoneNumberSet=1", nil, "FailedOperation.FailResolvePacket", ""},
		{"unknown field", "SendSms", `{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400006666","TemplateId":"1110","Sign":"x"}`, nil, "UnknownParameter", ""},
		{"missing numbers", "SendSms", `{"SmsSdkAppId":"1400006666","TemplateId":"1110","SignName":"腾讯云"}`, nil, "MissingParameter", ""},
		{"missing template", "SendSms", `{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400006666","SignName":"腾讯云"}`, nil, "MissingParameter", ""},
		{"missing sign", "SendSms", sendBody(one, "1111", "", "A1"), nil, "MissingParameter", ""},
		{"unknown app", "SendSms", strings.Replace(valid, "1400006666", "1400000000", 1), nil, "InvalidParameterValue.SdkAppIdNotExist", ""},
		{"201 numbers", "SendSms", sendBody(numbers(201), "1111", sign, "A1"), nil, "LimitExceeded.PhoneNumberCountLimit", ""},
		{"mixed numbers", "SendSms", sendBody([]string{"+8613800138000", "+14155550100"}, "1111", sign, "A1"), nil, "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber", ""},
		{"bad number", "SendSms", sendBody([]string{"+86123"}, "1111", sign, "A1"), nil, "", "InvalidParameterValue.IncorrectPhoneNumber"},
		{"unknown sign", "SendSms", sendBody(one, "1111", "没有", "A1"), nil, "", "FailedOperation.SignatureIncorrectOrUnapproved"},
		{"sign in review", "SendSms", sendBody(one, "1111", "审核中", "A1"), nil, "", "FailedOperation.SignatureIncorrectOrUnapproved"},
		{"unknown template", "SendSms", sendBody(one, "9999", sign), nil, "", "FailedOperation.TemplateIncorrectOrUnapproved"},
		{"rejected template", "SendSms", sendBody(one, "1113", sign, "1"), nil, "", "FailedOperation.TemplateIncorrectOrUnapproved"},
		{"missing parameter", "SendSms", sendBody(one, "1110", sign, "1234"), nil, "", "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"},
		{"extra parameter", "SendSms", sendBody(one, "1111", sign, "A1", "x"), nil, "", "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"},
		{"verification code not digits", "SendSms", sendBody(one, "1110", sign, "12a4", "5"), nil, "", "InvalidParameterValue.TemplateParameterFormatError"},
		{"verification code too long", "SendSms", sendBody(one, "1110", sign, "1234567", "5"), nil, "", "InvalidParameterValue.TemplateParameterFormatError"},
		{"templates without International", "DescribeSmsTemplateList", `{"Limit":10,"Offset":0}`, nil, "MissingParameter", ""},
		{"templates without paging", "DescribeSmsTemplateList", `{"International":0}`, nil, "MissingParameter", ""},
		{"templates Limit 101", "DescribeSmsTemplateList", `{"International":0,"Limit":101,"Offset":0}`, nil, "InvalidParameterValue", ""},
		{"signs without ids", "DescribeSmsSignList", `{"International":0}`, nil, "MissingParameter", ""},
		{"signs with Limit", "DescribeSmsSignList", `{"International":0,"SignIdSet":[3000],"Limit":1}`, nil, "UnknownParameter", ""},
		{"pull Limit 101", "PullSmsSendStatus", `{"Limit":101,"SmsSdkAppId":"1400006666"}`, nil, "InvalidParameterValue", ""},
		{"pull without app", "PullSmsSendStatus", `{"Limit":10}`, nil, "MissingParameter", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			r := do(t, signed(t, s, tc.action, tc.body, tc.edit))
			if tc.code != "" {
				if r.Response.Error == nil || r.Response.Error.Code != tc.code || r.Response.Error.Message == "" {
					t.Fatalf("error %+v, want %s", r.Response.Error, tc.code)
				}
				if ref := s.Refused(); len(ref) != 1 || ref[0].Code != tc.code || ref[0].Number != "" {
					t.Errorf("refusals %+v", ref)
				}
				if len(s.Sent()) != 0 || s.Requests()[0].Refused == "" {
					t.Error("a refused request was sent")
				}
				return
			}
			if r.Response.Error != nil {
				t.Fatalf("error %+v", r.Response.Error)
			}
			st := r.Response.SendStatusSet
			if len(st) == 0 || st[0].Code != tc.perCode {
				t.Fatalf("statuses %+v, want %s", st, tc.perCode)
			}
			if tc.perCode == "Ok" {
				if len(s.Refused()) != 0 || len(s.Sent()) != len(st) || st[0].SerialNo == "" || st[0].Fee != 1 || st[0].IsoCode != "CN" {
					t.Errorf("refused %v, statuses %+v", s.Refused(), st[0])
				}
				return
			}
			if st[0].SerialNo != "" || st[0].Fee != 0 || st[0].Message == "" || len(s.Sent()) != 0 {
				t.Errorf("failed status %+v", st[0])
			}
			if ref := s.Refused(); len(ref) != 1 || ref[0].Code != tc.perCode || ref[0].Number == "" {
				t.Errorf("refusals %+v", ref)
			}
		})
	}
}

func TestDescribeTemplates(t *testing.T) {
	s := newServer(t)
	s.AddTemplate(faketencent.Template{ID: "2001", Name: "Intl", Content: "Code {1}", International: 1})
	list := func(body string) []map[string]any {
		r := do(t, signed(t, s, "DescribeSmsTemplateList", body, nil))
		if r.Response.Error != nil {
			t.Fatalf("%s: %+v", body, r.Response.Error)
		}
		var out []map[string]any
		for _, e := range r.raw["DescribeTemplateStatusSet"].([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	page1, page2 := list(`{"International":0,"Limit":3,"Offset":0}`), list(`{"International":0,"Limit":3,"Offset":3}`)
	if len(page1) != 3 || len(page2) != 1 || page1[0]["TemplateId"] != 1110.0 {
		t.Fatalf("pages %v / %v", page1, page2)
	}
	rejected := page2[0]
	for k, want := range map[string]any{"TemplateId": 1113.0, "TemplateName": "被拒", "TemplateContent": "x{1}", "StatusCode": -1.0,
		"ReviewReply": "内容不规范", "International": 0.0} {
		if rejected[k] != want {
			t.Errorf("%s = %v, want %v", k, rejected[k], want)
		}
	}
	if ct, ok := rejected["CreateTime"].(float64); !ok || time.Since(time.Unix(int64(ct), 0)) > time.Minute {
		t.Errorf("CreateTime %v", rejected["CreateTime"])
	}
	byID := list(`{"International":0,"TemplateIdSet":[1112,4040]}`)
	if len(byID) != 1 || byID[0]["TemplateName"] != "促销" || byID[0]["StatusCode"] != 0.0 {
		t.Errorf("by id %v", byID)
	}
	if intl := list(`{"International":1,"Limit":10,"Offset":0}`); len(intl) != 1 || intl[0]["TemplateId"] != 2001.0 {
		t.Errorf("international %v", intl)
	}
	s.SetTemplateStatus("1112", faketencent.Rejected, "revoked")
	if byID := list(`{"International":0,"TemplateIdSet":[1112]}`); byID[0]["StatusCode"] != -1.0 || byID[0]["ReviewReply"] != "revoked" {
		t.Errorf("revoked %v", byID)
	}
}

func TestDescribeSigns(t *testing.T) {
	s := newServer(t)
	r := do(t, signed(t, s, "DescribeSmsSignList", `{"International":0,"SignIdSet":[3001,3000,9]}`, nil))
	set := r.raw["DescribeSignListStatusSet"].([]any)
	if len(set) != 2 {
		t.Fatalf("%v", r.raw)
	}
	first := set[0].(map[string]any)
	if first["SignId"] != 3001.0 || first["SignName"] != "审核中" || first["StatusCode"] != 1.0 || first["International"] != 0.0 {
		t.Errorf("%v", first)
	}
}

func TestPullSmsSendStatus(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, "1111", nil, nil)
	var msgs []channel.Message
	for i := range 5 {
		msgs = append(msgs, channel.Message{To: fmt.Sprintf("+86138000000%02d", i), TemplateParams: map[string]string{"1": "A"}})
	}
	ch.SendBatch(context.Background(), msgs)
	if _, err := ch.Send(context.Background(), channel.Message{To: "+8613900000000", TemplateParams: map[string]string{"1": "B"}, Ref: "ctx-1"}); err != nil {
		t.Fatal(err)
	}
	s.SetOutcome("13800000001", "MK:0001")
	s.SetOutcome("+8613800000002", "")
	pull := func(limit int) []map[string]any {
		r := do(t, signed(t, s, "PullSmsSendStatus", fmt.Sprintf(`{"Limit":%d,"SmsSdkAppId":"1400006666"}`, limit), nil))
		var out []map[string]any
		for _, e := range r.raw["PullSmsSendStatusSet"].([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	first := pull(2)
	if len(first) != 2 || first[0]["PhoneNumber"] != "+8613800000000" || first[0]["ReportStatus"] != "SUCCESS" ||
		first[1]["ReportStatus"] != "FAIL" || first[0]["CountryCode"] != "86" || first[0]["SubscriberNumber"] != "13800000000" ||
		first[0]["SerialNo"] != s.Sent()[0].SerialNo || first[0]["Description"] == "" || first[0]["UserReceiveTime"] == nil {
		t.Fatalf("first pull %v", first)
	}
	rest := pull(100)
	if len(rest) != 3 || rest[2]["SessionContext"] != "ctx-1" {
		t.Fatalf("second pull %v", rest)
	}
	if again := pull(100); len(again) != 0 {
		t.Errorf("statuses returned twice: %v", again)
	}
	s.SetOutcome("13800000002", faketencent.Delivered)
	if late := pull(100); len(late) != 1 || late[0]["PhoneNumber"] != "+8613800000002" {
		t.Errorf("late receipt %v", late)
	}
}

type receiver struct {
	mu     sync.Mutex
	bodies []json.RawMessage
	srv    *httptest.Server
}

func newReceiver(t *testing.T, answer string) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || !json.Valid(b) {
			http.Error(w, "bad", 400)
			return
		}
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, b)
		rc.mu.Unlock()
		fmt.Fprint(w, answer)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func keysOf(m map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

func TestReportsAndPush(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, "1111", nil, nil)
	ch.SendBatch(context.Background(), []channel.Message{
		{To: "+8613800000001", TemplateParams: map[string]string{"1": "A"}},
		{To: "+8613800000002", TemplateParams: map[string]string{"1": "A"}},
	})
	if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000003", TemplateParams: map[string]string{"1": "B"}, Ref: "ctx"}); err != nil {
		t.Fatal(err)
	}
	s.SetOutcome("13800000002", "MI:0013")
	reports := s.Reports()
	if len(reports) != 3 {
		t.Fatalf("%+v", reports)
	}
	sent := s.Sent()
	if r := reports[0]; r.ReportStatus != "SUCCESS" || r.ErrMsg != "DELIVRD" || r.Mobile != "13800000001" || r.NationCode != "86" ||
		r.Sid != sent[0].SerialNo || r.UserReceiveTime == "" || r.Description == "" || r.Ext != "" {
		t.Errorf("report 0 %+v", r)
	}
	if r := reports[1]; r.ReportStatus != "FAIL" || r.ErrMsg != "MI:0013" {
		t.Errorf("report 1 %+v", r)
	}
	if reports[2].Ext != "ctx" {
		t.Errorf("report 2 %+v", reports[2])
	}
	rc := newReceiver(t, `{"result":0,"errmsg":"OK"}`)
	res, err := faketencent.Push(rc.srv.URL, reports)
	if err != nil || len(res) != 1 || res[0].Entries != 3 || !res[0].Acknowledged() {
		t.Fatalf("%+v %v", res, err)
	}
	var entries []map[string]any
	_ = json.Unmarshal(rc.bodies[0], &entries)
	want := []string{"description", "errmsg", "mobile", "nationcode", "report_status", "sid", "user_receive_time"}
	if got := keysOf(entries[0]); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	rc = newReceiver(t, `{"result":0,"errmsg":"OK"}`)
	res, err = faketencent.Push(rc.srv.URL, reports, faketencent.Duplicate(1), faketencent.Shuffle(3), faketencent.Split(3))
	if err != nil || len(res) != 2 || res[0].Entries != 3 || res[1].Entries != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var sids []string
	for _, b := range rc.bodies {
		var es []faketencent.Report
		_ = json.Unmarshal(b, &es)
		for _, e := range es {
			sids = append(sids, e.Sid)
		}
	}
	counts := map[string]int{}
	for _, sid := range sids {
		counts[sid]++
	}
	if len(sids) != 4 || counts[sent[1].SerialNo] != 2 || slices.Equal(sids, []string{sent[0].SerialNo, sent[1].SerialNo, sent[2].SerialNo, sent[1].SerialNo}) {
		t.Errorf("sids %v", sids)
	}
	many := make([]faketencent.Report, 250)
	rc = newReceiver(t, `{"result":1,"errmsg":"busy"}`)
	res, _ = faketencent.Push(rc.srv.URL, many)
	if len(res) != 3 || res[0].Entries != 100 || res[2].Entries != 50 || res[0].Acknowledged() {
		t.Errorf("default split %+v", res)
	}
}

func TestReplies(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, "1112", nil, nil)
	if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"}); err != nil {
		t.Fatal(err)
	}
	r := s.Reply("13800000001", "R")
	if r.Mobile != "13800000001" || r.NationCode != "86" || r.Sign != sign || r.Text != "R" || r.Time == 0 {
		t.Errorf("%+v", r)
	}
	rc := newReceiver(t, `{"result":0,"errmsg":"OK"}`)
	res, err := faketencent.PushReplies(rc.srv.URL, s.Replies())
	if err != nil || len(res) != 1 || !res[0].Acknowledged() {
		t.Fatalf("%+v %v", res, err)
	}
	var obj map[string]any
	if err := json.Unmarshal(rc.bodies[0], &obj); err != nil {
		t.Fatalf("reply is not one object: %s", rc.bodies[0])
	}
	if got, want := keysOf(obj), []string{"extend", "mobile", "nationcode", "sign", "text", "time"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     faketencent.Fault
		reason    string
		transient bool
	}{
		{"request limit", faketencent.RequestLimitExceeded, channel.ReasonThrottled, true},
		{"frequency", faketencent.DeliveryFrequencyLimit, channel.ReasonThrottled, true},
		{"internal", faketencent.InternalError, channel.ReasonProviderError, true},
		{"502", faketencent.BadGateway, channel.ReasonProviderError, true},
		{"balance", faketencent.Fault{Code: "FailedOperation.InsufficientBalanceInSmsPackage", Message: "套餐包余量不足"}, channel.ReasonQuotaExceeded, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			ch := newClient(t, s, "1112", nil, nil)
			s.Fail("SendSms", 1, tc.fault)
			s.Fail("PullSmsSendStatus", 1, faketencent.InternalError)
			_, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"})
			var ce *channel.Error
			if !errors.As(err, &ce) || ce.Reason != tc.reason || ce.Transient != tc.transient {
				t.Fatalf("error %v", err)
			}
			if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"}); err != nil {
				t.Errorf("second call: %v", err)
			}
			if s.Calls("SendSms") != 2 || len(s.Refused()) != 0 {
				t.Errorf("calls %d refused %v", s.Calls("SendSms"), s.Refused())
			}
		})
	}
}

func TestStallOmitAndCap(t *testing.T) {
	s := newServer(t)
	ch := newClient(t, s, "1112", nil, &http.Client{Timeout: 100 * time.Millisecond})
	s.Stall("SendSms", 1)
	if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"}); channel.Reason(err) != channel.ReasonTimeout {
		t.Errorf("stall: %v", err)
	}
	s.CapMarketingPerDay(2)
	s.OmitStatus("+8613800000009")
	for i := range 2 {
		if _, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"}); err != nil {
			t.Fatalf("marketing %d: %v", i, err)
		}
	}
	_, err := ch.Send(context.Background(), channel.Message{To: "+8613800000001"})
	var ce *channel.Error
	if !errors.As(err, &ce) || ce.Code != "LimitExceeded.PhoneNumberDailyLimit" {
		t.Errorf("over the cap: %v", err)
	}
	res := ch.SendBatch(context.Background(), []channel.Message{{To: "+8613800000008"}, {To: "+8613800000009"}})
	if res[0].Err != nil || res[1].Err == nil {
		t.Errorf("omitted status: %+v", res)
	}
	if len(s.Sent()) != 4 || len(s.Refused()) != 0 {
		t.Errorf("sent %d refused %v", len(s.Sent()), s.Refused())
	}
}

func TestConfig(t *testing.T) {
	s := newServer(t)
	var cfg map[string]any
	_ = json.Unmarshal(s.Config(sign, "1110", map[string]any{"param_order": []string{"a"}}), &cfg)
	if cfg["endpoint"] != s.URL() || cfg["secret_id"] != faketencent.SecretID || cfg["sms_sdk_app_id"] != faketencent.SmsSdkAppID || cfg["param_order"] == nil {
		t.Errorf("%v", cfg)
	}
}
