package channel

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	testTwilioSID   = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testTwilioToken = "twilio-token"
)

func newTwilioFake(t *testing.T, cfg TwilioConfig, client *http.Client, respond func(http.ResponseWriter, recorded)) (*fakeProvider, *Twilio) {
	t.Helper()
	user := testTwilioSID
	if cfg.APIKeySID != "" {
		user = cfg.APIKeySID
	}
	f := newFakeProvider(t, func(r *http.Request, body []byte) string {
		if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+testTwilioSID+"/Messages.json" {
			return "want POST /2010-04-01/Accounts/{AccountSid}/Messages.json, got " + r.Method + " " + r.URL.Path
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			return "Content-Type " + ct
		}
		// HTTP basic auth: "Basic " + base64(user ":" password).
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+testTwilioToken))
		if got := r.Header.Get("Authorization"); got != want {
			return "Authorization " + got
		}
		return ""
	}, respond)
	cfg.AccountSID, cfg.AuthToken, cfg.BaseURL = testTwilioSID, testTwilioToken, f.srv.URL
	tw, err := NewTwilio(cfg, testEnv(client))
	if err != nil {
		t.Fatal(err)
	}
	return f, tw
}

func twilioCreated(w http.ResponseWriter, rec recorded) {
	form, _ := url.ParseQuery(string(rec.Body))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"sid":"SM%s","status":"queued","to":%q,"body":%q,"num_segments":"1","error_code":null}`,
		strings.TrimPrefix(form.Get("To"), "+"), form.Get("To"), form.Get("Body"))
}

func TestTwilioSend(t *testing.T) {
	f, tw := newTwilioFake(t, TwilioConfig{From: "+15005550006", StatusCallback: "https://crm.example.com/hooks/twilio?x=1"}, nil, twilioCreated)
	id, err := tw.Send(context.Background(), Message{To: "+14155550100", Text: "Hello 张三 & co", Subject: "ignored", Ref: "r1"})
	if err != nil || id != "SM14155550100" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	reqs := f.requests()
	form, err := url.ParseQuery(string(reqs[0].Body))
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Body": {"Hello 张三 & co"},
		"StatusCallback": {"https://crm.example.com/hooks/twilio?x=1"}}
	if !reflect.DeepEqual(form, want) {
		t.Errorf("form = %v\nwant %v", form, want)
	}
}

func TestTwilioMessagingServiceAndAPIKey(t *testing.T) {
	f, tw := newTwilioFake(t, TwilioConfig{MessagingServiceSID: "MG123", APIKeySID: "SK123"}, nil, twilioCreated)
	if _, err := tw.Send(context.Background(), Message{To: "+14155550100", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	form, _ := url.ParseQuery(string(f.requests()[0].Body))
	want := url.Values{"To": {"+14155550100"}, "MessagingServiceSid": {"MG123"}, "Body": {"hi"}}
	if !reflect.DeepEqual(form, want) {
		t.Errorf("form = %v\nwant %v", form, want)
	}
}

func TestTwilioBatchLoops(t *testing.T) {
	f, tw := newTwilioFake(t, TwilioConfig{From: "+15005550006"}, nil, func(w http.ResponseWriter, rec recorded) {
		form, _ := url.ParseQuery(string(rec.Body))
		if form.Get("To") == "+15005550001" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`)
			return
		}
		twilioCreated(w, rec)
	})
	if tw.MaxBatch() != 1 {
		t.Errorf("MaxBatch = %d", tw.MaxBatch())
	}
	res := tw.SendBatch(context.Background(), []Message{{To: "+14155550100", Ref: "a"}, {To: "+15005550001", Ref: "b"}, {To: "+14155550102", Ref: "c"}})
	if res[0].Err != nil || res[0].ProviderID != "SM14155550100" || res[0].Ref != "a" || res[2].ProviderID != "SM14155550102" {
		t.Errorf("results = %+v", res)
	}
	ce := wantChannelError(t, res[1].Err, ReasonInvalidMobile, false)
	if ce.Code != "21211" || !strings.Contains(ce.Detail, "not a valid phone number") {
		t.Errorf("error = %+v", ce)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests", n)
	}
}

func TestTwilioBatchCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	f, tw := newTwilioFake(t, TwilioConfig{From: "+15005550006"}, nil, func(w http.ResponseWriter, rec recorded) {
		calls++
		if calls == 2 {
			cancel()
			time.Sleep(200 * time.Millisecond) // the client hangs up first
		}
		twilioCreated(w, rec)
	})
	res := tw.SendBatch(ctx, []Message{{To: "+14155550100"}, {To: "+14155550101"}, {To: "+14155550102"}})
	if res[0].Err != nil || res[0].ProviderID != "SM14155550100" {
		t.Errorf("first = %+v", res[0])
	}
	for _, r := range res[1:] {
		wantChannelError(t, r.Err, ReasonCanceled, true)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2: none after the cancel", n)
	}
}

func TestTwilioErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		reason    string
		transient bool
	}{
		{"unsubscribed", 400, `{"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}`, ReasonBlocked, false},
		{"not mobile", 400, `{"code": 21614, "message": "'To' number is not a valid mobile number", "status": 400}`, ReasonInvalidMobile, false},
		{"auth", 401, `{"code": 20003, "message": "Authenticate", "status": 401}`, ReasonAuthFailed, false},
		{"too many requests", 429, `{"code": 20429, "message": "Too Many Requests", "status": 429}`, ReasonThrottled, true},
		{"429 without body", 429, ``, ReasonThrottled, true},
		{"server error", 500, `{"code": 20500, "message": "Internal Server Error", "status": 500}`, ReasonProviderError, true},
		{"503 html", 503, `<html>down</html>`, ReasonProviderError, true},
		{"body too long", 400, `{"code": 21617, "message": "The concatenated message body exceeds the 1600 character limit", "status": 400}`, ReasonContentRejected, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, tw := newTwilioFake(t, TwilioConfig{From: "+15005550006"}, nil, func(w http.ResponseWriter, _ recorded) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			_, err := tw.Send(context.Background(), Message{To: "+14155550100", Text: "x"})
			wantChannelError(t, err, tc.reason, tc.transient)
		})
	}
}

func TestTwilioTimeout(t *testing.T) {
	f, tw := newTwilioFake(t, TwilioConfig{From: "+15005550006"}, &http.Client{Timeout: 50 * time.Millisecond}, nil)
	f.stall()
	_, err := tw.Send(context.Background(), Message{To: "+14155550100", Text: "x"})
	wantChannelError(t, err, ReasonTimeout, true)
}

func TestTwilioConfig(t *testing.T) {
	for field, cfg := range map[string]string{
		"account_sid":     `{"auth_token":"t","from":"+1"}`,
		"auth_token":      `{"account_sid":"AC1","from":"+1"}`,
		"from":            `{"account_sid":"AC1","auth_token":"t"}`,
		"status_callback": `{"account_sid":"AC1","auth_token":"t","from":"+1","status_callback":"not a url"}`,
		"base_url":        `{"account_sid":"AC1","auth_token":"t","from":"+1","base_url":"mailto:x"}`,
	} {
		_, err := New("twilio", []byte(cfg), nil)
		if ce, ok := err.(*ConfigError); !ok || ce.Field != field {
			t.Errorf("%s: error %v", field, err)
		}
	}
}
