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
	"strconv"
	"testing"
	"time"
)

const testWebhookSecret = "whsec-test"

func newWebhookFake(t *testing.T, cfg WebhookConfig, client *http.Client, respond func(http.ResponseWriter, recorded)) (*fakeProvider, *Webhook) {
	t.Helper()
	f := newFakeProvider(t, func(r *http.Request, body []byte) string {
		if r.Method != http.MethodPost || r.URL.Path != "/hooks/sms" {
			return "want POST /hooks/sms"
		}
		if r.Header.Get("Content-Type") != "application/json" {
			return "Content-Type " + r.Header.Get("Content-Type")
		}
		mac := hmac.New(sha256.New, []byte(testWebhookSecret))
		mac.Write(body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Touchbase-Signature") != want {
			return "X-Touchbase-Signature " + r.Header.Get("X-Touchbase-Signature") + ", want " + want
		}
		var payload struct{ Timestamp int64 }
		if err := json.Unmarshal(body, &payload); err != nil {
			return "body: " + err.Error()
		}
		ts := strconv.FormatInt(fixedNow.Unix(), 10)
		if r.Header.Get("X-Touchbase-Timestamp") != ts || strconv.FormatInt(payload.Timestamp, 10) != ts {
			return "timestamp header " + r.Header.Get("X-Touchbase-Timestamp") + " / body " + strconv.FormatInt(payload.Timestamp, 10)
		}
		return ""
	}, respond)
	cfg.URL, cfg.Secret = f.srv.URL+"/hooks/sms", testWebhookSecret
	w, err := NewWebhook(cfg, testEnv(client))
	if err != nil {
		t.Fatal(err)
	}
	return f, w
}

func TestWebhookBatch(t *testing.T) {
	f, w := newWebhookFake(t, WebhookConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
		fmt.Fprint(w, `{"results":[
			{"ref":"c","error":{"code":"throttled","message":"slow down","transient":true}},
			{"ref":"a","id":"ext-1"},
			{"ref":"b","error":{"code":"E42","message":"number unknown"}}]}`)
	})
	msgs := []Message{
		{To: "+8613800000001", Text: "你好 <b>", Ref: "a", Template: "T1", TemplateParams: map[string]string{"name": "张三"}},
		{To: "+8613800000002", Text: "hi", Ref: "b"},
		{To: "+8613800000003", Text: "hi", Ref: "c"},
		{To: "+8613800000004", Text: "hi", Ref: "d"},
	}
	res := w.SendBatch(context.Background(), msgs)
	if res[0].Err != nil || res[0].ProviderID != "ext-1" || res[3].Err != nil || res[3].ProviderID != "" {
		t.Errorf("accepted: %+v / %+v", res[0], res[3])
	}
	if ce := wantChannelError(t, res[1].Err, ReasonProviderError, false); ce.Code != "E42" || ce.Detail != "number unknown" {
		t.Errorf("b: %+v", ce)
	}
	wantChannelError(t, res[2].Err, ReasonThrottled, true)
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	first := body["messages"].([]any)[0]
	want := map[string]any{"ref": "a", "to": "+8613800000001", "text": "你好 <b>", "template": "T1",
		"template_params": map[string]any{"name": "张三"}}
	if !reflect.DeepEqual(first, want) || len(body["messages"].([]any)) != 4 {
		t.Errorf("first message = %v\nwant %v", first, want)
	}
}

func TestWebhookChunksAndPositions(t *testing.T) {
	f, w := newWebhookFake(t, WebhookConfig{MaxBatch: 2}, nil, func(w http.ResponseWriter, rec recorded) {
		var req webhookRequest
		_ = json.Unmarshal(rec.Body, &req)
		var out webhookResponse
		for _, m := range req.Messages {
			out.Results = append(out.Results, webhookResult{ID: "id-" + m.To})
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	msgs := []Message{{To: "1"}, {To: "2"}, {To: "3"}, {To: "4"}, {To: "5"}}
	res := w.SendBatch(context.Background(), msgs)
	if len(res) != 5 {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		if r.Err != nil || r.ProviderID != "id-"+msgs[i].To {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestWebhookEmptyAnswerAccepts(t *testing.T) {
	_, w := newWebhookFake(t, WebhookConfig{}, nil, func(w http.ResponseWriter, _ recorded) { w.WriteHeader(http.StatusNoContent) })
	id, err := w.Send(context.Background(), Message{To: "+8613800000001", Text: "x", Ref: "r"})
	if err != nil || id != "" {
		t.Errorf("Send = %q, %v", id, err)
	}
}

func TestWebhookErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		reason    string
		transient bool
	}{
		{500, ReasonProviderError, true},
		{503, ReasonProviderError, true},
		{429, ReasonThrottled, true},
		{401, ReasonAuthFailed, false},
		{422, ReasonInvalidRequest, false},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			_, w := newWebhookFake(t, WebhookConfig{}, nil, func(w http.ResponseWriter, _ recorded) {
				w.WriteHeader(tc.status)
			})
			for _, r := range w.SendBatch(context.Background(), []Message{{To: "1"}, {To: "2"}}) {
				wantChannelError(t, r.Err, tc.reason, tc.transient)
			}
		})
	}
}

func TestWebhookTimeout(t *testing.T) {
	f, w := newWebhookFake(t, WebhookConfig{}, &http.Client{Timeout: 50 * time.Millisecond}, nil)
	f.stall()
	_, err := w.Send(context.Background(), Message{To: "1"})
	wantChannelError(t, err, ReasonTimeout, true)
}

func TestWebhookSignatureHelper(t *testing.T) {
	// HMAC-SHA256 test case 2 of RFC 4231: key "Jefe".
	got := WebhookSignature("Jefe", []byte("what do ya want for nothing?"))
	if want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWebhookConfig(t *testing.T) {
	for field, cfg := range map[string]string{
		"url":       `{"secret":"s"}`,
		"secret":    `{"url":"https://x.example/h"}`,
		"kind":      `{"url":"https://x.example/h","secret":"s","kind":"fax"}`,
		"max_batch": `{"url":"https://x.example/h","secret":"s","max_batch":-1}`,
	} {
		_, err := New("webhook", []byte(cfg), nil)
		if ce, ok := err.(*ConfigError); !ok || ce.Field != field {
			t.Errorf("%s: error %v", field, err)
		}
	}
	c, err := New("webhook", []byte(`{"url":"https://x.example/h","secret":"s","kind":"email"}`), nil)
	if err != nil || c.Kind() != KindEmail || c.MaxBatch() != 1000 {
		t.Errorf("New = %v, %v", c, err)
	}
}
