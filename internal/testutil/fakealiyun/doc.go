// Package fakealiyun is an httptest fake of Aliyun's SMS API (dysmsapi,
// version 2017-05-25, RPC style, ACS3-HMAC-SHA256 signatures). It checks
// every request as the service documents it — method, path, content type,
// the x-acs-* headers, the signature recomputed from the raw request, the
// required parameters, the number limits, and that the signature name and
// the template exist, are approved and get exactly the template's
// variables — and refuses bad ones with Aliyun's own error codes and
// answer shape.
//
// It answers SendSms, SendBatchSms, QuerySmsTemplateList, QuerySmsSignList
// and QuerySendDetails; keeps every accepted message with the text the
// phone shows; builds the SmsReport receipts and SmsUp replies Aliyun
// pushes, and pushes them (duplicated, shuffled, merged or split as a test
// asks); and misbehaves on command (error codes, throttling, 5xx, stalls,
// per-number caps). It does not import the product's channel package, so
// any package's tests can use it.
package fakealiyun
