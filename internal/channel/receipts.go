package channel

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SendDetail is one message's delivery state as a provider's lookup
// (Aliyun QuerySendDetails, Tencent PullSmsSendStatus) reports it.
type SendDetail struct {
	// Number is the handset's number as the provider wrote it.
	Number string
	// MessageID is the provider's id of the message when the lookup
	// returns it (Tencent SerialNo); Ref our ref when it carries one.
	MessageID string
	Ref       string
	// Done is false while the provider awaits the handset's report.
	Done      bool
	Delivered bool
	// Code is the provider's status code (DELIVERED, MK:0001…).
	Code string
	At   time.Time
}

// chinaTime is the zone of the Chinese providers' dates.
var chinaTime = time.FixedZone("CST", 8*3600)

// aliyunSendDetails is the answer of QuerySendDetails.
type aliyunSendDetails struct {
	aliyunResponse
	TotalCount        string `json:"TotalCount"`
	SmsSendDetailDTOs struct {
		SmsSendDetailDTO []struct {
			PhoneNum    string `json:"PhoneNum"`
			SendStatus  int    `json:"SendStatus"`
			ErrCode     string `json:"ErrCode"`
			ReceiveDate string `json:"ReceiveDate"`
			OutID       string `json:"OutId"`
		} `json:"SmsSendDetailDTO"`
	} `json:"SmsSendDetailDTOs"`
}

// aliyunDetailPage is the most QuerySendDetails returns in one call.
const aliyunDetailPage = 50

// QuerySendDetails asks Aliyun for the delivery state of the messages to
// number sent on day (China time) under bizID (the BizId of the call; Aliyun
// keeps details for 30 days).
func (a *Aliyun) QuerySendDetails(ctx context.Context, number string, day time.Time, bizID string) ([]SendDetail, error) {
	var out []SendDetail
	for page := 1; page <= 20; page++ {
		q := url.Values{"PhoneNumber": {aliyunNumber(number)}, "SendDate": {day.In(chinaTime).Format("20060102")},
			"PageSize": {strconv.Itoa(aliyunDetailPage)}, "CurrentPage": {strconv.Itoa(page)}}
		if bizID != "" {
			q.Set("BizId", bizID)
		}
		var r aliyunSendDetails
		if err := a.rpc(ctx, "QuerySendDetails", q, &r); err != nil {
			return nil, err
		}
		list := r.SmsSendDetailDTOs.SmsSendDetailDTO
		for _, d := range list {
			sd := SendDetail{Number: d.PhoneNum, MessageID: bizID, Ref: d.OutID, Code: d.ErrCode,
				Done: d.SendStatus == 2 || d.SendStatus == 3, Delivered: d.SendStatus == 3}
			sd.At, _ = time.ParseInLocation("2006-01-02 15:04:05", d.ReceiveDate, chinaTime)
			out = append(out, sd)
		}
		total, _ := strconv.Atoi(r.TotalCount)
		if len(list) < aliyunDetailPage || page*aliyunDetailPage >= total {
			break
		}
	}
	return out, nil
}

// tencentPull is the answer of PullSmsSendStatus.
type tencentPull struct {
	Response struct {
		tencentStatus
		PullSmsSendStatusSet []struct {
			UserReceiveTime  int64  `json:"UserReceiveTime"`
			CountryCode      string `json:"CountryCode"`
			SubscriberNumber string `json:"SubscriberNumber"`
			PhoneNumber      string `json:"PhoneNumber"`
			SerialNo         string `json:"SerialNo"`
			ReportStatus     string `json:"ReportStatus"`
			Description      string `json:"Description"`
			SessionContext   string `json:"SessionContext"`
		} `json:"PullSmsSendStatusSet"`
	} `json:"Response"`
}

func (r *tencentPull) status() *tencentStatus { return &r.Response.tencentStatus }

// PullSendStatus takes up to limit (1–100) receipts Tencent has not
// handed out before, by pull or by push.
func (t *Tencent) PullSendStatus(ctx context.Context, limit int) ([]SendDetail, error) {
	var r tencentPull
	req := map[string]any{"Limit": min(max(limit, 1), 100), "SmsSdkAppId": t.cfg.SmsSdkAppID}
	if err := t.api(ctx, "PullSmsSendStatus", req, &r); err != nil {
		return nil, err
	}
	var out []SendDetail
	for _, s := range r.Response.PullSmsSendStatusSet {
		// PullSmsSendStatus reports SUCCESS or FAIL and a description, no
		// carrier code: a failure's code is its description.
		code := "DELIVRD"
		if s.ReportStatus != "SUCCESS" {
			code = s.Description
		}
		out = append(out, SendDetail{Number: s.PhoneNumber, MessageID: s.SerialNo, Ref: s.SessionContext, Done: true,
			Delivered: s.ReportStatus == "SUCCESS", Code: code, At: time.Unix(s.UserReceiveTime, 0)})
	}
	return out, nil
}

// TwilioSignature returns the X-Twilio-Signature of a request Twilio posts
// to fullURL with form: base64 of the HMAC-SHA1, keyed by the auth token,
// of the URL followed by every POST parameter, sorted by name, as name and
// value with no separators.
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether signature is Twilio's signature of a
// request to fullURL with form, under this account's auth token.
func (t *Twilio) VerifySignature(fullURL string, form url.Values, signature string) bool {
	want := TwilioSignature(t.cfg.AuthToken, fullURL, form)
	return signature != "" && hmac.Equal([]byte(want), []byte(signature))
}

// WebhookReceiptWindow is how far a receipt request's timestamp may be
// from our clock.
const WebhookReceiptWindow = 5 * time.Minute

// Errors of VerifyReceipts.
var (
	ErrBadSignature = errors.New("bad signature")
	ErrStale        = errors.New("timestamp missing or too far from now")
)

// VerifyReceipts checks a receipt request from the webhook receiver: the
// X-Touchbase-Signature of body under the channel's secret, and the
// X-Touchbase-Timestamp, which must equal the body's "timestamp" and lie
// within WebhookReceiptWindow of now.
func (w *Webhook) VerifyReceipts(body []byte, signature, timestamp string, now time.Time) error {
	if !hmac.Equal([]byte(WebhookSignature(w.cfg.Secret, body)), []byte(signature)) {
		return ErrBadSignature
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrStale
	}
	var head struct {
		Timestamp int64 `json:"timestamp"`
	}
	if json.Unmarshal(body, &head) != nil || head.Timestamp != ts {
		return ErrStale
	}
	if d := now.Sub(time.Unix(ts, 0)); d > WebhookReceiptWindow || d < -WebhookReceiptWindow {
		return ErrStale
	}
	return nil
}
