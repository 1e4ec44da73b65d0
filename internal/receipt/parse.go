package receipt

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"touchbase/internal/model"
)

// ErrMalformed is returned for a push that is not the provider's shape;
// the caller answers 400.
var ErrMalformed = errors.New("malformed receipt push")

// chinaTime is the zone of the Chinese providers' dates.
var chinaTime = time.FixedZone("CST", 8*3600)

func parseChinaTime(s string) *time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", strings.TrimSpace(s), chinaTime)
	if err != nil {
		return nil
	}
	return &t
}

func status(delivered bool) string {
	if delivered {
		return model.DeliveryDelivered
	}
	return model.DeliveryUndelivered
}

// aliyunReport is one SmsReport entry.
type aliyunReport struct {
	PhoneNumber string `json:"phone_number"`
	ReportTime  string `json:"report_time"`
	Success     bool   `json:"success"`
	ErrCode     string `json:"err_code"`
	BizID       string `json:"biz_id"`
	OutID       string `json:"out_id"`
}

// ParseAliyun reads an SmsReport push: a JSON array of receipts. Entries
// that name no message (neither biz_id nor out_id) are left out and
// counted in skipped.
func ParseAliyun(body []byte) (rs []model.Receipt, skipped int, err error) {
	var list []aliyunReport
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, 0, ErrMalformed
	}
	for _, e := range list {
		if e.BizID == "" && e.OutID == "" || e.PhoneNumber == "" {
			skipped++
			continue
		}
		rs = append(rs, model.Receipt{Provider: "aliyun", ProviderMessageID: e.BizID, Ref: e.OutID, Address: e.PhoneNumber,
			Status: status(e.Success), Code: e.ErrCode, ProviderTime: parseChinaTime(e.ReportTime)})
	}
	return rs, skipped, nil
}

// tencentReport is one entry of a status callback.
type tencentReport struct {
	UserReceiveTime string `json:"user_receive_time"`
	NationCode      string `json:"nationcode"`
	Mobile          string `json:"mobile"`
	ReportStatus    string `json:"report_status"`
	ErrMsg          string `json:"errmsg"`
	Sid             string `json:"sid"`
	Ext             string `json:"ext"`
}

// ParseTencent reads a status callback: a JSON array of receipts, each
// naming its message by SerialNo (sid). Entries without sid or number,
// or whose report_status is neither SUCCESS nor FAIL, are skipped.
func ParseTencent(body []byte) (rs []model.Receipt, skipped int, err error) {
	var list []tencentReport
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, 0, ErrMalformed
	}
	for _, e := range list {
		if e.Sid == "" || e.Mobile == "" || (e.ReportStatus != "SUCCESS" && e.ReportStatus != "FAIL") {
			skipped++
			continue
		}
		addr := e.Mobile
		if e.NationCode != "" {
			addr = "+" + strings.TrimPrefix(e.NationCode, "+") + e.Mobile
		}
		rs = append(rs, model.Receipt{Provider: "tencent", ProviderMessageID: e.Sid, Ref: e.Ext, Address: addr,
			Status: status(e.ReportStatus == "SUCCESS"), Code: e.ErrMsg, ProviderTime: parseChinaTime(e.UserReceiveTime)})
	}
	return rs, skipped, nil
}

// ParseTwilio reads a StatusCallback form. Only final states make a
// receipt (delivered; undelivered and failed, with their ErrorCode); the
// others (queued, sending, sent…) return nil.
func ParseTwilio(form url.Values) (*model.Receipt, error) {
	sid, st := form.Get("MessageSid"), form.Get("MessageStatus")
	if sid == "" || st == "" {
		return nil, ErrMalformed
	}
	switch st {
	case "delivered", "undelivered", "failed":
	default:
		return nil, nil
	}
	code := form.Get("ErrorCode")
	if st == "delivered" {
		code = "delivered"
	}
	return &model.Receipt{Provider: "twilio", ProviderMessageID: sid, Address: form.Get("To"),
		Status: status(st == "delivered"), Code: code}, nil
}

// webhookReceipts is the body the webhook receiver posts:
//
//	{"timestamp": 1700000000, "receipts": [{"ref": "b42", "id": "receiver's id",
//	  "to": "+8613800138000", "status": "delivered", "code": "DELIVRD",
//	  "time": "2026-01-02T15:04:05+08:00"}]}
//
// status is delivered or undelivered; code is free (one of the delivery
// reasons, such as empty_number, is shown as that reason).
type webhookReceipts struct {
	Timestamp int64 `json:"timestamp"`
	Receipts  []struct {
		Ref    string     `json:"ref"`
		ID     string     `json:"id"`
		To     string     `json:"to"`
		Status string     `json:"status"`
		Code   string     `json:"code"`
		Time   *time.Time `json:"time"`
	} `json:"receipts"`
}

// ParseWebhook reads the webhook receiver's receipts (signature checked
// by the caller). Entries naming no message or with another status are
// skipped.
func ParseWebhook(body []byte) (rs []model.Receipt, skipped int, err error) {
	var p webhookReceipts
	if err := json.Unmarshal(body, &p); err != nil || p.Receipts == nil {
		return nil, 0, ErrMalformed
	}
	for _, e := range p.Receipts {
		if e.Ref == "" && e.ID == "" || e.Status != model.DeliveryDelivered && e.Status != model.DeliveryUndelivered {
			skipped++
			continue
		}
		rs = append(rs, model.Receipt{Provider: "webhook", ProviderMessageID: e.ID, Ref: e.Ref, Address: e.To,
			Status: e.Status, Code: e.Code, ProviderTime: e.Time})
	}
	return rs, skipped, nil
}
