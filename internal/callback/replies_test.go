package callback_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/callback"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakealiyun"
	"touchbase/internal/testutil/faketencent"
)

// TestRepliesOptOutAndTheNextSendSkips: an "R" pushed by Aliyun's SmsUp
// (twice) and a "退订" by Tencent's reply callback opt their senders out
// once each, with an inbound record; the next bulk send skips both as
// opted out and the provider never gets their numbers; a question opts
// nobody out; a bad token and a malformed push change nothing.
func TestRepliesOptOutAndTheNextSendSkips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakealiyun.New(t)
		fake.AddSign(fakealiyun.Sign{Name: "恒信科技"})
		fake.AddTemplate(fakealiyun.Template{Code: "SMS_100", Name: "回访", Content: "您好，您的工单已处理完毕。", Kind: fakealiyun.Notice})
		e := newEnv(t, s, nil, callback.Options{PerSecond: 1000, Burst: 1000})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderAliyun, fake.Config("恒信科技", "SMS_100", nil), 0); err != nil {
			t.Fatal(err)
		}
		ids := e.contacts(t, 0, 4)
		up := e.srv.URL + callback.AliyunPath + e.receipts.Token() + callback.AliyunUpPath
		r := fakealiyun.Up{PhoneNumber: "13800000000", SendTime: "2026-12-06 10:00:00", Content: "R", SignName: "恒信科技", SequenceID: 9001}
		for range 2 { // Aliyun pushes again until it hears 200
			res, err := fakealiyun.Push(up, []fakealiyun.Up{r, {PhoneNumber: "13800000002", SendTime: "2026-12-06 10:01:00",
				Content: "请问续费多少钱？", SequenceID: 9002}})
			if err != nil || len(res) != 1 || !res[0].Acknowledged() || res[0].Body != `{"code":0,"msg":"成功"}`+"\n" {
				t.Fatalf("SmsUp push: %v %+v", err, res)
			}
		}
		res, err := faketencent.PushReplies(e.srv.URL+callback.TencentPath+e.receipts.Token()+callback.TencentReplyPath,
			[]faketencent.Reply{{Mobile: "13800000001", NationCode: "86", Text: "退订", Time: time.Now().Unix()}})
		if err != nil || len(res) != 1 || res[0].Status != http.StatusOK || !strings.Contains(res[0].Body, `"result":0`) {
			t.Fatalf("tencent reply: %v %+v", err, res)
		}
		// Refused: a wrong token, a body that is not a push.
		if code, _ := post(t, e.srv.URL+callback.AliyunPath+"wrong"+callback.AliyunUpPath, "application/json", `[]`, nil); code != http.StatusNotFound {
			t.Fatalf("bad token: %d", code)
		}
		if code, _ := post(t, up, "application/json", `{"phone_number":`, nil); code != http.StatusBadRequest {
			t.Fatalf("malformed push: %d", code)
		}
		optedOut := map[string]string{}
		rows, err := s.DB().QueryContext(ctx, `SELECT mobile, opt_out_sms_source FROM contacts WHERE opt_out_sms`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var m, src string
			rows.Scan(&m, &src)
			optedOut[m] = src
		}
		rows.Close()
		if len(optedOut) != 2 || optedOut[mobile(0)] != model.OptOutByReply || optedOut[mobile(1)] != model.OptOutByReply {
			t.Fatalf("opted out: %v", optedOut)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE direction = 'inbound' AND channel = 'sms'`); n != 3 {
			t.Fatalf("%d inbound records, want 3 (R, 退订, the question)", n)
		}
		if n := e.count(t, `SELECT count(*) FROM sms_replies`); n != 3 {
			t.Fatalf("%d replies kept, want 3", n)
		}

		tpl := e.template(t, "aliyun", "SMS_100", "恒信科技")
		b := e.send(t, "回访", tpl, ids)
		e.wait(t, b.ID)
		for _, m := range fake.Sent() {
			if m.PhoneNumber == strings.TrimPrefix(mobile(0), "+") || m.PhoneNumber == strings.TrimPrefix(mobile(1), "+") {
				t.Fatalf("the provider got a message to %s, who replied to opt out", m.PhoneNumber)
			}
		}
		if n := len(fake.Sent()); n != 2 {
			t.Fatalf("provider took %d messages, want 2", n)
		}
		skipped, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.RecipientSkipped, Limit: 10})
		if err != nil || len(skipped) != 2 || skipped[0].Reason != model.SkipOptedOut || skipped[1].Reason != model.SkipOptedOut {
			t.Fatalf("skipped: %+v %v", skipped, err)
		}
	})
}

// TestSignedRepliesOfTwilioAndTheWebhook: an inbound Twilio message and a
// webhook reply are taken only with a valid signature, once however often
// they are posted.
func TestSignedRepliesOfTwilioAndTheWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, nil, callback.Options{BaseURL: "https://crm.example.cn", PerSecond: 1000, Burst: 1000})
		e.contacts(t, 0, 1)
		cfg := `{"account_sid":"AC1","auth_token":"tok-secret","from":"+15005550006"}`
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderTwilio, []byte(cfg), 0); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"MessageSid": {"SM900"}, "From": {mobile(0)}, "Body": {"STOP"}}
		bad := channel.TwilioSignature("other", "https://crm.example.cn"+callback.TwilioInboundPath, form)
		if code, _ := post(t, e.srv.URL+callback.TwilioInboundPath, "application/x-www-form-urlencoded", form.Encode(),
			map[string]string{"X-Twilio-Signature": bad}); code != http.StatusUnauthorized {
			t.Fatalf("bad signature: %d", code)
		}
		if n := e.count(t, `SELECT count(*) FROM sms_replies`); n != 0 {
			t.Fatalf("an unsigned reply was kept")
		}
		sig := channel.TwilioSignature("tok-secret", "https://crm.example.cn"+callback.TwilioInboundPath, form)
		for range 2 {
			code, body := post(t, e.srv.URL+callback.TwilioInboundPath, "application/x-www-form-urlencoded", form.Encode(),
				map[string]string{"X-Twilio-Signature": sig})
			if code != http.StatusOK || !strings.Contains(body, "<Response></Response>") {
				t.Fatalf("signed inbound: %d %s", code, body)
			}
		}
		if n := e.count(t, `SELECT count(*) FROM contacts WHERE opt_out_sms AND opt_out_sms_source = 'reply'`); n != 1 {
			t.Fatalf("%d contacts opted out by STOP, want 1", n)
		}

		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderWebhook, []byte(`{"url":"https://gw.example.cn","secret":"k"}`), 0); err != nil {
			t.Fatal(err)
		}
		now := time.Now().Unix()
		body, _ := json.Marshal(map[string]any{"timestamp": now, "replies": []map[string]any{{"id": "r1", "from": mobile(0), "text": "好的，谢谢", "time": now}}})
		ts := strconv.FormatInt(now, 10)
		if code, _ := post(t, e.srv.URL+callback.WebhookInboundPath, "application/json", string(body),
			map[string]string{channel.WebhookSignatureHeader: channel.WebhookSignature("wrong", body), channel.WebhookTimestampHeader: ts}); code != http.StatusUnauthorized {
			t.Fatalf("webhook with a bad signature: %d", code)
		}
		for range 2 {
			code, out := post(t, e.srv.URL+callback.WebhookInboundPath, "application/json", string(body),
				map[string]string{channel.WebhookSignatureHeader: channel.WebhookSignature("k", body), channel.WebhookTimestampHeader: ts})
			if code != http.StatusOK {
				t.Fatalf("webhook reply: %d %s", code, out)
			}
		}
		if n := e.count(t, `SELECT count(*) FROM sms_replies`); n != 2 {
			t.Fatalf("%d replies kept, want 2 (STOP and the thanks)", n)
		}
	})
}
