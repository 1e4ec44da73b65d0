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

// aliyun takes an SmsReport push. Aliyun retries every answer but 200, so
// a well-formed push is acknowledged even when some of its entries match
// nothing (they are kept). A bad token is answered 404, as for a URL that
// does not exist.
func (h *handler) aliyun(w http.ResponseWriter, r *http.Request) {
	if !h.svc.CheckToken(r.PathValue("token")) {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if _, err := h.svc.Aliyun(r.Context(), r.PathValue("token"), body); err != nil {
		h.failed(r, err)
		code, msg := status(err)
		writeJSON(w, code, map[string]any{"code": code, "msg": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "msg": "成功"})
}

// tencent takes a status callback.
func (h *handler) tencent(w http.ResponseWriter, r *http.Request) {
	if !h.svc.CheckToken(r.PathValue("token")) {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if _, err := h.svc.Tencent(r.Context(), r.PathValue("token"), body); err != nil {
		h.failed(r, err)
		code, msg := status(err)
		writeJSON(w, code, map[string]any{"result": 1, "errmsg": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": 0, "errmsg": "OK"})
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
