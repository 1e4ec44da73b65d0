package receipt

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Errors the callback handlers map to statuses.
var (
	// ErrUnauthorized: a bad token, signature or timestamp (nothing is
	// stored).
	ErrUnauthorized = errors.New("receipt: not authorized")
	// ErrNotConfigured: the SMS channel is not the provider the push
	// claims to come from, so its credentials cannot be checked.
	ErrNotConfigured = errors.New("receipt: provider not configured")
)

// Config tunes polling.
type Config struct {
	// Wait is how long after sending a message without a receipt is
	// looked up at the provider (default 30 min).
	Wait time.Duration
	// MaxAge is how long a message may await its receipt before it is
	// marked no_receipt (default 72 h; Aliyun keeps details 30 days).
	MaxAge time.Duration
	// PollBatch is how many messages one poll looks up (default 200), and
	// PollRate how many lookups it makes a second (default 10).
	PollBatch int
	PollRate  int
	// Every is how often the poll runs (default 5 min).
	Every time.Duration
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Wait: 30 * time.Minute, MaxAge: 72 * time.Hour, PollBatch: 200, PollRate: 10, Every: 5 * time.Minute}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Wait <= 0 {
		c.Wait = d.Wait
	}
	if c.MaxAge <= 0 {
		c.MaxAge = d.MaxAge
	}
	if c.PollBatch <= 0 {
		c.PollBatch = d.PollBatch
	}
	if c.PollRate <= 0 {
		c.PollRate = d.PollRate
	}
	if c.Every <= 0 {
		c.Every = d.Every
	}
	return c
}

// Service takes in and polls receipts.
type Service struct {
	store    *storage.Store
	channels *registry.Registry
	token    string
	cfg      Config
	log      *slog.Logger
	now      func() time.Time

	onSettled func(context.Context, *model.BulkSend)

	mu        sync.Mutex
	pollAfter map[string]int64 // per provider: the last record polled in this pass
}

// OnSendSettled sets what is called, once per send, when every receipt
// of a finished bulk send has come in or its wait ran out (the operator's
// follow-up notification).
func (s *Service) OnSendSettled(fn func(context.Context, *model.BulkSend)) { s.onSettled = fn }

// NewService returns a Service whose callback token is derived from key
// (the install's secret key).
func NewService(store *storage.Store, channels *registry.Registry, key []byte, cfg Config, log *slog.Logger, now func() time.Time) *Service {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("touchbase sms receipt callbacks"))
	return &Service{store: store, channels: channels, token: hex.EncodeToString(m.Sum(nil))[:32], cfg: cfg.withDefaults(),
		log: log, now: now, pollAfter: map[string]int64{}}
}

// Token is the secret part of the Aliyun and Tencent callback URLs.
func (s *Service) Token() string { return s.token }

// CheckToken reports, in constant time, whether tok is the callback token.
func (s *Service) CheckToken(tok string) bool {
	return hmac.Equal([]byte(tok), []byte(s.token))
}

// Result is what one push did.
type Result struct {
	storage.ReceiptResult
	Skipped int // entries that named no message
}

// Aliyun applies an SmsReport push that came with token.
func (s *Service) Aliyun(ctx context.Context, token string, body []byte) (Result, error) {
	return s.push(ctx, token, body, ParseAliyun)
}

// Tencent applies a status callback that came with token.
func (s *Service) Tencent(ctx context.Context, token string, body []byte) (Result, error) {
	return s.push(ctx, token, body, ParseTencent)
}

func (s *Service) push(ctx context.Context, token string, body []byte, parse func([]byte) ([]model.Receipt, int, error)) (Result, error) {
	if !s.CheckToken(token) {
		return Result{}, ErrUnauthorized
	}
	rs, skipped, err := parse(body)
	if err != nil {
		return Result{}, err
	}
	res, err := s.store.ApplyReceipts(ctx, rs)
	return Result{ReceiptResult: res, Skipped: skipped}, err
}

// Twilio applies a StatusCallback posted to fullURL with form, signed
// with signature (X-Twilio-Signature) under the Twilio channel's token.
func (s *Service) Twilio(ctx context.Context, fullURL string, form url.Values, signature string) (Result, error) {
	if err := s.VerifyTwilio(ctx, fullURL, form, signature); err != nil {
		return Result{}, err
	}
	r, err := ParseTwilio(form)
	if err != nil || r == nil {
		return Result{}, err
	}
	res, err := s.store.ApplyReceipts(ctx, []model.Receipt{*r})
	return Result{ReceiptResult: res}, err
}

// Webhook applies receipts the webhook receiver posted, signed with the
// webhook channel's secret.
func (s *Service) Webhook(ctx context.Context, body []byte, signature, timestamp string) (Result, error) {
	if err := s.VerifyWebhook(ctx, body, signature, timestamp); err != nil {
		return Result{}, err
	}
	rs, skipped, err := ParseWebhook(body)
	if err != nil {
		return Result{}, err
	}
	res, err := s.store.ApplyReceipts(ctx, rs)
	return Result{ReceiptResult: res, Skipped: skipped}, err
}

// VerifyTwilio checks that a request posted to fullURL with form was
// signed by Twilio with the SMS channel's auth token: ErrNotConfigured when
// the SMS channel is not Twilio, ErrUnauthorized when the signature is
// wrong. Replies use it too.
func (s *Service) VerifyTwilio(ctx context.Context, fullURL string, form url.Values, signature string) error {
	ch, err := s.smsChannel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	tw, ok := ch.(*channel.Twilio)
	if !ok {
		return ErrNotConfigured
	}
	if !tw.VerifySignature(fullURL, form, signature) {
		return ErrUnauthorized
	}
	return nil
}

// VerifyWebhook checks that body was signed with the webhook channel's
// secret, at a time near now. Replies use it too.
func (s *Service) VerifyWebhook(ctx context.Context, body []byte, signature, timestamp string) error {
	ch, err := s.smsChannel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	wh, ok := ch.(*channel.Webhook)
	if !ok {
		return ErrNotConfigured
	}
	if err := wh.VerifyReceipts(body, signature, timestamp, s.now()); err != nil {
		return ErrUnauthorized
	}
	return nil
}

func (s *Service) smsChannel(ctx context.Context) (channel.Channel, error) {
	ch, _, err := s.channels.Channel(ctx, channel.KindSMS)
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// Settled matches the receipts that came early for a chunk just settled:
// provider sent the messages under messageIDs and refs. It runs after the
// chunk's transaction, in statements of its own.
func (s *Service) Settled(ctx context.Context, provider string, messageIDs, refs []string) {
	if _, err := s.store.MatchPendingReceipts(ctx, provider, messageIDs, refs, 0); err != nil {
		s.log.Warn("match early receipts", "provider", provider, "err", err)
	}
}
