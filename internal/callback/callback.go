// Package callback is the HTTP front of the providers' callbacks: SMS
// delivery receipts and replies (上行) pushed by Aliyun, Tencent Cloud,
// Twilio and the webhook receiver, and WeCom's encrypted events. Its routes are public (no session, no CSRF token):
// each checks the provider's own credential — a per-install token in the
// URL, Twilio's signature, the webhook secret's HMAC — and answers
// exactly what the provider expects. Bodies are limited, sources rate
// limited, and malformed input gets a 400, never a 500.
package callback

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"touchbase/internal/receipt"
	"touchbase/internal/reply"
)

// MaxBody is the largest callback body read (a full Aliyun push of 1,000
// receipts is about 250 KiB).
const MaxBody = 1 << 20

// Paths of the callbacks, for the settings page.
const (
	AliyunPath  = "/callbacks/sms/aliyun/"
	TencentPath = "/callbacks/sms/tencent/"
	TwilioPath  = "/callbacks/sms/twilio"
	WebhookPath = "/callbacks/sms/webhook"
)

// Options configure the handler.
type Options struct {
	// BaseURL is the public URL of the install: Twilio signs the URL it
	// calls, which is BaseURL + the path.
	BaseURL string
	// PerSecond and Burst limit the requests of one source address
	// (defaults 20 and 100).
	PerSecond, Burst int
	Log              *slog.Logger
	// WeCom takes WeCom's callbacks; nil leaves them unrouted.
	WeCom WeCom
}

type handler struct {
	svc     *receipt.Service
	replies *reply.Service
	opts    Options
	limiter *limiter
}

// New returns the handler of every callback route: receipts go to svc,
// replies (上行) to replies; both are authenticated by svc.
func New(svc *receipt.Service, replies *reply.Service, o Options) http.Handler {
	if o.PerSecond <= 0 {
		o.PerSecond = 20
	}
	if o.Burst <= 0 {
		o.Burst = 100
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	h := &handler{svc: svc, replies: replies, opts: o, limiter: newLimiter(o.PerSecond, o.Burst, time.Now)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+AliyunPath+"{token}", h.aliyun)
	mux.HandleFunc("POST "+TencentPath+"{token}", h.tencent)
	mux.HandleFunc("POST "+TwilioPath, h.twilio)
	mux.HandleFunc("POST "+WebhookPath, h.webhook)
	mux.HandleFunc("POST "+AliyunPath+"{token}"+AliyunUpPath, h.aliyunUp)
	mux.HandleFunc("POST "+TencentPath+"{token}"+TencentReplyPath, h.tencentReply)
	mux.HandleFunc("POST "+TwilioInboundPath, h.twilioInbound)
	mux.HandleFunc("POST "+WebhookInboundPath, h.webhookInbound)
	if o.WeCom != nil {
		mux.HandleFunc("GET "+WeComPath, h.weComVerify)
		mux.HandleFunc("POST "+WeComPath, h.weComEvent)
	}
	return h.limit(mux)
}

// limit answers 429 to a source over its rate.
func (h *handler) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.limiter.allow(sourceAddr(r)) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads at most MaxBody bytes; a larger body is answered 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "unreadable body", http.StatusBadRequest)
		}
		return nil, false
	}
	return body, true
}

// status maps a service error to the HTTP status of a refusal; ok is
// false for errors of ours (answered 503, so that the provider retries).
func status(err error) (int, string) {
	switch {
	case errors.Is(err, receipt.ErrUnauthorized):
		return http.StatusUnauthorized, "not authorized"
	case errors.Is(err, receipt.ErrNotConfigured):
		return http.StatusNotFound, "not configured"
	case errors.Is(err, receipt.ErrMalformed):
		return http.StatusBadRequest, "malformed body"
	}
	return http.StatusServiceUnavailable, "try again later"
}

func (h *handler) failed(r *http.Request, err error) {
	if code, _ := status(err); code == http.StatusServiceUnavailable {
		h.opts.Log.Error("sms receipt callback", "path", r.URL.Path, "err", err)
	}
}
