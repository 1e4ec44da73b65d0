package callback_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/callback"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewebhook"
)

func post(t *testing.T, u, ctype, body string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

func TestEndpointSafety(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, nil, callback.Options{PerSecond: 1, Burst: 12})
		good := `[{"phone_number":"13800000001","success":true,"err_code":"DELIVERED","biz_id":"x1","report_time":"2026-01-02 10:00:00"}]`
		for _, c := range []struct {
			name, path, body string
			want             int
		}{
			{"bad aliyun token", callback.AliyunPath + "nope", good, http.StatusNotFound},
			{"bad tencent token", callback.TencentPath + strings.Repeat("0", 32), `[]`, http.StatusNotFound},
			{"malformed", callback.AliyunPath + e.receipts.Token(), `{"phone_number":`, http.StatusBadRequest},
			{"not an array", callback.AliyunPath + e.receipts.Token(), `{"a":1}`, http.StatusBadRequest},
			{"tencent malformed", callback.TencentPath + e.receipts.Token(), `[{"sid":`, http.StatusBadRequest},
			{"oversize", callback.AliyunPath + e.receipts.Token(), "[" + strings.Repeat(" ", callback.MaxBody) + "]", http.StatusRequestEntityTooLarge},
			{"webhook unsigned", callback.WebhookPath, `{"timestamp":1,"receipts":[]}`, http.StatusNotFound}, // no webhook channel
			{"twilio unsigned", callback.TwilioPath, "MessageSid=SM1&MessageStatus=delivered", http.StatusNotFound},
		} {
			if code, body := post(t, e.srv.URL+c.path, "application/json", c.body, nil); code != c.want {
				t.Errorf("%s: %d %s, want %d", c.name, code, body, c.want)
			}
		}
		if n := e.count(t, `SELECT count(*) FROM delivery_receipts`); n != 0 {
			t.Fatalf("%d receipts stored by refused requests", n)
		}
		// A well-formed push of unknown receipts is acknowledged and kept.
		if code, body := post(t, e.srv.URL+callback.AliyunPath+e.receipts.Token(), "application/json", good, nil); code != 200 || !strings.Contains(body, `"code":0`) {
			t.Fatalf("unknown receipt: %d %s", code, body)
		}
		if n := e.count(t, `SELECT count(*) FROM delivery_receipts WHERE state = 'pending'`); n != 1 {
			t.Fatalf("unknown receipt kept %d times", n)
		}
		// The burst is spent: the next requests are refused.
		limited := 0
		for range 5 {
			if code, _ := post(t, e.srv.URL+callback.TencentPath+e.receipts.Token(), "application/json", `[]`, nil); code == http.StatusTooManyRequests {
				limited++
			}
		}
		if limited == 0 {
			t.Fatal("no request was rate limited")
		}
	})
}

// Twilio status callbacks count only with the account's signature.
func TestTwilioSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, nil, callback.Options{BaseURL: "https://crm.example.cn"})
		cfg := `{"account_sid":"AC1","auth_token":"tok-secret","from":"+15005550006"}`
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderTwilio, []byte(cfg), 0); err != nil {
			t.Fatal(err)
		}
		rec := &model.Record{CustomerID: e.customer.ID, Channel: model.ChannelSMS, Source: model.SourceSingle, Status: model.RecordSent,
			Address: "+15558675310", Provider: "twilio", ProviderMessageID: "SM123"}
		if err := s.CreateRecord(ctx, rec); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"MessageSid": {"SM123"}, "MessageStatus": {"undelivered"}, "To": {"+15558675310"}, "ErrorCode": {"30005"}}
		// Signed for another URL, or with another token: refused.
		for _, sig := range []string{
			channel.TwilioSignature("tok-secret", "https://evil.example/callbacks/sms/twilio", form),
			channel.TwilioSignature("other", "https://crm.example.cn/callbacks/sms/twilio", form), "",
		} {
			if code, _ := post(t, e.srv.URL+callback.TwilioPath, "application/x-www-form-urlencoded", form.Encode(),
				map[string]string{"X-Twilio-Signature": sig}); code != http.StatusUnauthorized {
				t.Fatalf("bad signature: %d", code)
			}
		}
		if n := e.count(t, `SELECT count(*) FROM delivery_receipts`); n != 0 {
			t.Fatalf("stored %d", n)
		}
		sig := channel.TwilioSignature("tok-secret", "https://crm.example.cn/callbacks/sms/twilio", form)
		for range 2 { // Twilio retries
			if code, _ := post(t, e.srv.URL+callback.TwilioPath, "application/x-www-form-urlencoded", form.Encode(),
				map[string]string{"X-Twilio-Signature": sig}); code != http.StatusNoContent {
				t.Fatalf("signed: %d", code)
			}
		}
		got, err := s.RecordByID(ctx, adminPolicy, rec.ID)
		if err != nil || got.Status != model.RecordUndelivered || got.DeliveryReason != model.DeliveryReasonEmptyNumber {
			t.Fatalf("record: %v %+v", err, got)
		}
		if n := e.count(t, `SELECT count(*) FROM delivery_receipts`); n != 1 {
			t.Fatalf("stored %d", n)
		}
	})
}

// Webhook receipts count only signed with the channel's secret and
// recent; they match by our ref.
func TestWebhookReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, nil, callback.Options{})
		fake := fakewebhook.New(t, "wh-secret")
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, fake.Config(), 0); err != nil {
			t.Fatal(err)
		}
		ids := e.contacts(t, 0, 3)
		b := e.sendText(t, "通知", ids)
		e.wait(t, b.ID)
		msgs := fake.Messages()
		if len(msgs) != 3 {
			t.Fatalf("sent %d", len(msgs))
		}
		ts := time.Now().Unix()
		body := `{"timestamp":` + itoa(ts) + `,"receipts":[{"ref":"` + msgs[0].Ref + `","status":"delivered","code":"DELIVRD"},` +
			`{"ref":"` + msgs[1].Ref + `","status":"undelivered","code":"blocked"}]}`
		sign := func(b string, ts int64) map[string]string {
			return map[string]string{channel.WebhookSignatureHeader: channel.WebhookSignature("wh-secret", []byte(b)),
				channel.WebhookTimestampHeader: itoa(ts)}
		}
		bad := sign(body, ts)
		bad[channel.WebhookSignatureHeader] = channel.WebhookSignature("guess", []byte(body))
		if code, _ := post(t, e.srv.URL+callback.WebhookPath, "application/json", body, bad); code != http.StatusUnauthorized {
			t.Fatalf("bad signature: %d", code)
		}
		old := strings.Replace(body, itoa(ts), itoa(ts-3600), 1)
		if code, _ := post(t, e.srv.URL+callback.WebhookPath, "application/json", old, sign(old, ts-3600)); code != http.StatusUnauthorized {
			t.Fatalf("stale: %d", code)
		}
		if code, out := post(t, e.srv.URL+callback.WebhookPath, "application/json", body, sign(body, ts)); code != 200 {
			t.Fatalf("signed: %d %s", code, out)
		}
		c := e.counts(t, b.ID)
		if c.Delivered != 1 || c.Undelivered != 1 {
			t.Fatalf("counts: %+v", c)
		}
		list, _ := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.DeliveryUndelivered})
		if len(list) != 1 || list[0].DeliveryReason != model.DeliveryReasonBlocked {
			t.Fatalf("undelivered: %+v", list)
		}
	})
}
