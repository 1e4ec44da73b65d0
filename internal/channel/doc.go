// Package channel sends messages to customers' contacts through SMS, email
// and webhook providers.
//
// Every provider implements [Channel]: Send delivers one message, SendBatch
// delivers many and reports one [Result] per message in the same order,
// using the provider's batch call where it has one (Aliyun SendSms and
// SendBatchSms, Tencent Cloud SendSms, the generic webhook, one SMTP
// connection for many emails) and a loop otherwise (Twilio).
//
// Failures are reported as [*Error] values carrying a stable reason code
// (see [ReasonText] for their English and Chinese wording) and whether the
// failure is transient, so that the caller can decide to retry
// ([IsTransient]) or to mark the recipient failed with its reason.
//
// Providers are built from a JSON configuration by [New]; secret fields of
// those configurations are sealed at rest with a [SecretBox].
//
// The package holds no state of its own: providers receive their HTTP
// client, clock and randomness through [Env], and every Channel is safe for
// concurrent use.
package channel
