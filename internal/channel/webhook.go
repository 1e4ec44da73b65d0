package channel

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Webhook request headers.
const (
	// WebhookSignatureHeader carries "sha256=" + hex(HMAC-SHA256(secret, body)).
	WebhookSignatureHeader = "X-Touchbase-Signature"
	// WebhookTimestampHeader carries the Unix time of the request, also
	// present in the signed body as "timestamp"; receivers should reject
	// requests whose timestamp is far from their clock.
	WebhookTimestampHeader = "X-Touchbase-Timestamp"
)

const webhookDefaultMaxBatch = 1000

// WebhookConfig configures the generic JSON webhook provider.
type WebhookConfig struct {
	URL    string `json:"url"`
	Secret string `json:"secret" secret:"true"`
	// Kind is what the receiver delivers: sms (default), email, wecom or call.
	Kind Kind `json:"kind,omitempty"`
	// MaxBatch is the most messages sent in one request (default 1000).
	MaxBatch int `json:"max_batch,omitempty"`
}

// Webhook posts messages as JSON to a URL of the customer's choosing, many
// recipients per request, signed with a shared secret.
//
// The request body is
//
//	{"timestamp": 1700000000, "messages": [{"ref": "…", "to": "…", "subject": "…",
//	  "text": "…", "html": "…", "template": "…", "template_params": {"k": "v"}}]}
//
// and the receiver answers 2xx, optionally with one result per message:
//
//	{"results": [{"ref": "…", "id": "receiver's id"},
//	             {"ref": "…", "error": {"code": "invalid_mobile", "message": "…", "transient": false}}]}
//
// Results are matched by ref (by position when refs are absent); messages
// without a result are taken as accepted. An error code that is one of the
// Reason* codes becomes the reason. A non-2xx answer fails the whole
// request: 429 and 5xx are transient.
//
// A ref names one message for good: a receiver must treat a message whose
// ref it has seen before as the same message, answering with the id it
// gave it the first time and not delivering it again. Touchbase relies on
// this to re-send, rather than give up on, messages whose outcome it could
// not record (a crash between the call and the write).
type Webhook struct {
	cfg WebhookConfig
	env Env
}

// NewWebhook validates cfg and returns the provider.
func NewWebhook(cfg WebhookConfig, env Env) (*Webhook, error) {
	if err := required(ProviderWebhook, "url", cfg.URL); err != nil {
		return nil, err
	}
	if _, err := parseBaseURL(ProviderWebhook, "url", cfg.URL); err != nil {
		return nil, err
	}
	if err := required(ProviderWebhook, "secret", cfg.Secret); err != nil {
		return nil, err
	}
	switch cfg.Kind {
	case "":
		cfg.Kind = KindSMS
	case KindSMS, KindEmail, KindWeCom, KindCall:
	default:
		return nil, &ConfigError{Provider: ProviderWebhook, Field: "kind", Problem: "must be sms, email, wecom or call"}
	}
	switch {
	case cfg.MaxBatch == 0:
		cfg.MaxBatch = webhookDefaultMaxBatch
	case cfg.MaxBatch < 0 || cfg.MaxBatch > 10000:
		return nil, &ConfigError{Provider: ProviderWebhook, Field: "max_batch", Problem: "must be between 1 and 10000"}
	}
	return &Webhook{cfg: cfg, env: env.withDefaults()}, nil
}

// Name returns "webhook".
func (w *Webhook) Name() string { return ProviderWebhook }

// Kind returns the configured kind.
func (w *Webhook) Kind() Kind { return w.cfg.Kind }

// MaxBatch returns the configured batch size.
func (w *Webhook) MaxBatch() int { return w.cfg.MaxBatch }

// Close does nothing.
func (w *Webhook) Close() error { return nil }

// Send posts one message.
func (w *Webhook) Send(ctx context.Context, msg Message) (string, error) {
	r := w.SendBatch(ctx, []Message{msg})
	return r[0].ProviderID, r[0].Err
}

// SendBatch posts msgs in requests of at most MaxBatch messages.
func (w *Webhook) SendBatch(ctx context.Context, msgs []Message) []Result {
	results := make([]Result, 0, len(msgs))
	for chunk := range slices.Chunk(msgs, w.cfg.MaxBatch) {
		results = append(results, w.post(ctx, chunk)...)
	}
	return results
}

type webhookMessage struct {
	Ref            string            `json:"ref,omitempty"`
	To             string            `json:"to"`
	Subject        string            `json:"subject,omitempty"`
	Text           string            `json:"text,omitempty"`
	HTML           string            `json:"html,omitempty"`
	Template       string            `json:"template,omitempty"`
	TemplateParams map[string]string `json:"template_params,omitempty"`
}

type webhookRequest struct {
	Timestamp int64            `json:"timestamp"`
	Messages  []webhookMessage `json:"messages"`
}

type webhookResult struct {
	Ref   string `json:"ref"`
	ID    string `json:"id"`
	Error *struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Transient bool   `json:"transient"`
	} `json:"error"`
}

type webhookResponse struct {
	Results []webhookResult `json:"results"`
}

// WebhookSignature returns the X-Touchbase-Signature value of body, for
// receivers written in Go.
func WebhookSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (w *Webhook) post(ctx context.Context, msgs []Message) []Result {
	ts := w.env.Now().Unix()
	payload := webhookRequest{Timestamp: ts, Messages: make([]webhookMessage, len(msgs))}
	for i, m := range msgs {
		payload.Messages[i] = webhookMessage{Ref: m.Ref, To: m.To, Subject: m.Subject, Text: m.Text,
			HTML: m.HTML, Template: m.Template, TemplateParams: m.TemplateParams}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return failAll(msgs, &Error{Provider: ProviderWebhook, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err})
	}
	req, err := http.NewRequest(http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return failAll(msgs, &Error{Provider: ProviderWebhook, Reason: ReasonInvalidRequest, Detail: err.Error(), Err: err})
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookTimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(WebhookSignatureHeader, WebhookSignature(w.cfg.Secret, body))
	resp, err := doHTTP(ctx, ProviderWebhook, w.env.HTTPClient, req)
	if err != nil {
		return failAll(msgs, err)
	}
	if resp.Status/100 != 2 {
		return failAll(msgs, httpStatusError(ProviderWebhook, resp.Status, resp.snippet()))
	}
	results := make([]Result, len(msgs))
	for i, m := range msgs {
		results[i] = Result{Ref: m.Ref, To: m.To}
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return results
	}
	var out webhookResponse
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		// The receiver accepted the request; an unreadable body does not
		// undo that.
		return results
	}
	byRef := map[string]int{}
	for i, m := range msgs {
		if m.Ref != "" {
			byRef[m.Ref] = i
		}
	}
	for j, r := range out.Results {
		i, ok := byRef[r.Ref]
		if r.Ref == "" {
			i, ok = j, j < len(msgs)
		}
		if !ok {
			continue
		}
		results[i].ProviderID = r.ID
		if r.Error != nil {
			results[i].Err = webhookError(r.Error.Code, r.Error.Message, r.Error.Transient)
		}
	}
	return results
}

func webhookError(code, message string, transient bool) *Error {
	e := &Error{Provider: ProviderWebhook, Code: code, Detail: message, Transient: transient, Reason: ReasonProviderError}
	if slices.Contains(Reasons(), strings.TrimSpace(code)) {
		e.Reason = strings.TrimSpace(code)
	}
	return e
}

// IdempotentRefs reports that a re-sent ref is never delivered twice (see
// the receiver's contract above).
func (w *Webhook) IdempotentRefs() bool { return true }
