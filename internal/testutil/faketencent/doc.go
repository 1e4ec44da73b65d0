// Package faketencent is an httptest fake of Tencent Cloud's SMS API 3.0
// (sms.tencentcloudapi.com, version 2021-01-11, TC3-HMAC-SHA256
// signatures). It checks every request as the service documents it —
// method, path, content type, the X-TC-* headers, the signature
// recomputed from the raw request, the required fields, the 200-number
// limit, and that the signature and template exist, are approved and get
// exactly the template's {1}, {2}… parameters — and answers with
// Tencent's own error shape: a Response.Error for the whole request, or a
// Code per number in SendStatusSet.
//
// It answers SendSms, DescribeSmsTemplateList, DescribeSmsSignList and
// PullSmsSendStatus; keeps every accepted message with the text the phone
// shows; builds the status callbacks and reply callbacks Tencent pushes,
// and pushes them (duplicated, shuffled, merged or split as a test asks);
// and misbehaves on command (error codes, throttling, 5xx, stalls,
// per-number failures and caps). It does not import the product's channel
// package, so any package's tests can use it.
package faketencent
