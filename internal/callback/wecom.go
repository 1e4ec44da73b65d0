package callback

import (
	"context"
	"errors"
	"net/http"

	"touchbase/internal/wecom"
)

// WeComPath is WeCom's callback URL: an admin enters BaseURL + WeComPath
// in the WeCom console with the callback token and EncodingAESKey.
const WeComPath = "/callbacks/wecom"

// WeCom is what the WeCom callback needs of the wecom service.
type WeCom interface {
	VerifyURL(ctx context.Context, signature, timestamp, nonce, echostr string) (string, error)
	Callback(ctx context.Context, signature, timestamp, nonce string, body []byte) error
}

// weComVerify answers the GET WeCom makes when the URL is saved: the
// echostr's plain text, only when its signature is right.
func (h *handler) weComVerify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	plain, err := h.opts.WeCom.VerifyURL(r.Context(), q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
	if err != nil {
		h.weComRefuse(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(plain)) //nolint:errcheck
}

// weComEvent takes a pushed event. WeCom waits 5 s and retries three
// times: the event is recorded and its work queued, and the empty answer
// WeCom expects goes back at once.
func (h *handler) weComEvent(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if err := h.opts.WeCom.Callback(r.Context(), q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body); err != nil {
		h.weComRefuse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) weComRefuse(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, wecom.ErrSignature):
		http.Error(w, "bad signature", http.StatusUnauthorized)
	case errors.Is(err, wecom.ErrMalformed):
		http.Error(w, "malformed body", http.StatusBadRequest)
	case errors.Is(err, wecom.ErrNotConfigured):
		http.NotFound(w, r)
	default:
		h.opts.Log.Error("wecom callback", "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
	}
}
