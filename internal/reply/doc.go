// Package reply takes the SMS customers send back (上行) — pushed by
// Aliyun (SmsUp), Tencent Cloud, Twilio or the webhook gateway — and makes
// each one an inbound record on the timeline of the contacts with that
// number, turns their SMS opt-out on when the reply is an opt-out keyword
// (退订, R, TD…), and tells the customer's exclusive rep. A reply pushed
// again is the same reply: kept once, recorded once.
package reply
