// Package receipt takes in SMS delivery receipts (状态报告): it reads the
// pushes of each provider (Aliyun SmsReport, Tencent Cloud status
// callbacks, Twilio StatusCallback, the webhook receiver's signed
// receipts), checks their credentials, stores and applies them through
// the storage layer, matches receipts that came before their message was
// settled, and polls the providers for messages whose receipt never came.
// It does not import net/http: the HTTP handlers live in package callback.
package receipt
