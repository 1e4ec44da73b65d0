package channel

import (
	"context"
)

// Kind is the medium a channel delivers to.
type Kind string

// The kinds of channel.
const (
	KindSMS   Kind = "sms"
	KindEmail Kind = "email"
	KindWeCom Kind = "wecom"
	KindCall  Kind = "call"
)

// Message is one message to one recipient.
type Message struct {
	// To is the recipient: a mobile number in E.164 form (+8613800138000)
	// for SMS, an email address for email.
	To string
	// Subject is the email subject; SMS channels ignore it.
	Subject string
	// Text is the plain-text body: the SMS text, or the text part of an email.
	Text string
	// HTML is the HTML part of an email; SMS channels ignore it.
	HTML string
	// Template is the provider's template code or ID for template-based SMS
	// providers (Aliyun, Tencent Cloud); empty uses the channel's default.
	Template string
	// TemplateParams are the values of the provider template's variables.
	TemplateParams map[string]string
	// Sign is the approved signature (短信签名) the template goes out
	// under; empty uses the channel's.
	Sign string
	// Unsubscribe is the recipient's one-click unsubscribe link (RFC 8058)
	// for email: SMTP writes it as List-Unsubscribe and, when it is https,
	// adds List-Unsubscribe-Post: List-Unsubscribe=One-Click. Empty for
	// none; SMS channels ignore it.
	Unsubscribe string
	// Ref is our own delivery ID. Providers that carry a client reference
	// (Aliyun OutId, Tencent SessionContext, webhook "ref", email
	// Message-ID) send it, so callbacks and receipts can be matched.
	Ref string
}

// Result is the outcome of sending one message of a batch.
type Result struct {
	// Ref and To repeat the message's Ref and To.
	Ref string
	To  string
	// ProviderID is the provider's ID of the accepted message (Aliyun
	// BizId, Tencent SerialNo, Twilio SID, email Message-ID…), empty when
	// the provider returns none.
	ProviderID string
	// Err is nil when the provider accepted the message, otherwise usually
	// an *Error.
	Err error
}

// Channel delivers messages through one configured provider. Implementations
// are safe for concurrent use.
type Channel interface {
	// Name is the provider name, as given to New ("aliyun", "smtp"…).
	Name() string
	// Kind is the medium the channel delivers to.
	Kind() Kind
	// Send delivers one message and returns the provider's message ID.
	Send(ctx context.Context, msg Message) (providerID string, err error)
	// MaxBatch is the largest number of recipients the provider accepts in
	// one call; 1 when it has no batch call.
	MaxBatch() int
	// SendBatch delivers msgs and returns exactly one Result per message, in
	// the same order. Any number of messages may be passed: they are split
	// into provider calls of at most MaxBatch recipients.
	//
	// When ctx ends, messages not yet handed to the provider fail with
	// reason "canceled". An HTTP call in flight is aborted and its messages
	// may or may not have been accepted (reason "canceled" or "timeout");
	// callers that must know should pass a context that outlives shutdown
	// (context.WithoutCancel plus a deadline) and stop between batches.
	SendBatch(ctx context.Context, msgs []Message) []Result
	// Close releases the channel's resources.
	Close() error
}

// Idempotent is implemented by channels whose provider never delivers a
// message twice when it is sent again with the same Ref. Messages whose
// outcome is unknown (the sender died mid-call) are re-sent on such
// channels; on others they fail as outcome unknown.
type Idempotent interface {
	IdempotentRefs() bool
}

// IsIdempotent reports whether ch may safely re-send a Ref.
func IsIdempotent(ch Channel) bool {
	i, ok := ch.(Idempotent)
	return ok && i.IdempotentRefs()
}

// Sequential is implemented by channels whose SendBatch hands its
// messages to the provider one after another over one connection, which
// it keeps open between calls (SMTP). A sender that must know which
// messages reached the provider gives such a channel one message per
// call, so that at any moment at most one is there unanswered.
type Sequential interface {
	Sequential() bool
}

// HandsOneByOne reports whether ch is Sequential.
func HandsOneByOne(ch Channel) bool {
	q, ok := ch.(Sequential)
	return ok && q.Sequential()
}

// SendEach implements SendBatch for providers without a batch call: it sends
// the messages one by one with send. Once ctx is done, the remaining
// messages are not attempted and report the context's error.
func SendEach(ctx context.Context, provider string, msgs []Message, send func(context.Context, Message) (string, error)) []Result {
	results := make([]Result, len(msgs))
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To}
		if err := ctx.Err(); err != nil {
			results[i].Err = contextError(provider, err)
			continue
		}
		results[i].ProviderID, results[i].Err = send(ctx, m)
	}
	return results
}

// failAll returns one Result per message, each failed with err.
func failAll(msgs []Message, err error) []Result {
	results := make([]Result, len(msgs))
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To, Err: err}
	}
	return results
}
