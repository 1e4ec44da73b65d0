package callback

import (
	"encoding/json"
	"net/http"

	"touchbase/internal/channel"
)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v) //nolint:errcheck
}

// aliyunAnswer and tencentAnswer write each provider's acknowledgement: its
// success body, or the refusal with code and message.
func aliyunAnswer(w http.ResponseWriter, code int, msg string) {
	if code == http.StatusOK {
		writeJSON(w, code, map[string]any{"code": 0, "msg": "成功"})
		return
	}
	writeJSON(w, code, map[string]any{"code": code, "msg": msg})
}

func tencentAnswer(w http.ResponseWriter, code int, msg string) {
	if code == http.StatusOK {
		writeJSON(w, code, map[string]any{"result": 0, "errmsg": "OK"})
		return
	}
	writeJSON(w, code, map[string]any{"result": 1, "errmsg": msg})
}

// tokenPush serves a push authenticated by the install's token in its
// path (Aliyun's and Tencent's): a bad token is answered 404, as for a URL
// that does not exist; the body goes to take, and answer writes what the
// provider expects (200, or the refusal).
func (h *handler) tokenPush(w http.ResponseWriter, r *http.Request, take func([]byte) error,
	answer func(http.ResponseWriter, int, string), mapErr func(error) (int, string)) {
	if !h.svc.CheckToken(r.PathValue("token")) {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if err := take(body); err != nil {
		h.failed(r, err)
		code, msg := mapErr(err)
		answer(w, code, msg)
		return
	}
	answer(w, http.StatusOK, "")
}

// aliyun takes an SmsReport push. Aliyun retries every answer but 200, so
// a well-formed push is acknowledged even when some of its entries match
// nothing (they are kept).
func (h *handler) aliyun(w http.ResponseWriter, r *http.Request) {
	h.tokenPush(w, r, func(body []byte) error {
		_, err := h.svc.Aliyun(r.Context(), r.PathValue("token"), body)
		return err
	}, aliyunAnswer, status)
}

// tencent takes a status callback.
func (h *handler) tencent(w http.ResponseWriter, r *http.Request) {
	h.tokenPush(w, r, func(body []byte) error {
		_, err := h.svc.Tencent(r.Context(), r.PathValue("token"), body)
		return err
	}, tencentAnswer, status)
}

// twilio takes a StatusCallback: a form signed with X-Twilio-Signature
// over the URL Twilio called.
func (h *handler) twilio(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	form, err := parseForm(body)
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	u := h.opts.BaseURL + r.URL.RequestURI()
	if _, err := h.svc.Twilio(r.Context(), u, form, r.Header.Get("X-Twilio-Signature")); err != nil {
		h.failed(r, err)
		code, msg := status(err)
		http.Error(w, msg, code)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// webhook takes receipts from the webhook receiver, signed as the
// webhook channel signs its own requests.
func (h *handler) webhook(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	res, err := h.svc.Webhook(r.Context(), body, r.Header.Get(channel.WebhookSignatureHeader), r.Header.Get(channel.WebhookTimestampHeader))
	if err != nil {
		h.failed(r, err)
		code, msg := status(err)
		writeJSON(w, code, map[string]any{"error": map[string]string{"code": http.StatusText(code), "message": msg}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"stored": res.New, "duplicates": res.Duplicate, "skipped": res.Skipped})
}
