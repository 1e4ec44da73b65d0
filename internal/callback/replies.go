package callback

import (
	"errors"
	"net/http"

	"touchbase/internal/channel"
	"touchbase/internal/reply"
)

// Paths of the reply (上行) callbacks, for the settings page.
const (
	AliyunUpPath       = "/up"    // after AliyunPath + token
	TencentReplyPath   = "/reply" // after TencentPath + token
	TwilioInboundPath  = "/callbacks/sms/twilio/inbound"
	WebhookInboundPath = "/callbacks/sms/webhook/inbound"
)

// replyStatus maps an error of the reply service: a malformed push is a
// 400, anything else ours (503, so the provider retries).
func replyStatus(err error) (int, string) {
	if errors.Is(err, reply.ErrMalformed) {
		return http.StatusBadRequest, "malformed body"
	}
	return status(err)
}

// aliyunUp takes an SmsUp push (the token as for receipts).
func (h *handler) aliyunUp(w http.ResponseWriter, r *http.Request) {
	h.tokenPush(w, r, h.receiveWith(r, reply.ParseAliyunUp), aliyunAnswer, replyStatus)
}

// tencentReply takes a reply callback (the token as for receipts).
func (h *handler) tencentReply(w http.ResponseWriter, r *http.Request) {
	h.tokenPush(w, r, h.receiveWith(r, reply.ParseTencentReply), tencentAnswer, replyStatus)
}

// receiveWith parses a push with parse and receives its replies.
func (h *handler) receiveWith(r *http.Request, parse func([]byte) ([]reply.Incoming, error)) func([]byte) error {
	return func(body []byte) error {
		ins, err := parse(body)
		if err != nil {
			return err
		}
		_, _, err = h.replies.ReceiveAll(r.Context(), ins)
		return err
	}
}

// twilioInbound takes an incoming message, signed as status callbacks
// are, and answers an empty TwiML response (no automatic reply).
func (h *handler) twilioInbound(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	form, err := parseForm(body)
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	if err := h.svc.VerifyTwilio(r.Context(), h.opts.BaseURL+r.URL.RequestURI(), form, r.Header.Get("X-Twilio-Signature")); err != nil {
		h.failed(r, err)
		code, msg := status(err)
		http.Error(w, msg, code)
		return
	}
	in, err := reply.ParseTwilioInbound(form)
	if err == nil {
		_, err = h.replies.Receive(r.Context(), in)
	}
	if err != nil {
		h.failed(r, err)
		code, msg := replyStatus(err)
		http.Error(w, msg, code)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`)) //nolint:errcheck
}

// webhookInbound takes replies from the webhook receiver, signed with the
// webhook channel's secret.
func (h *handler) webhookInbound(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	err := h.svc.VerifyWebhook(r.Context(), body, r.Header.Get(channel.WebhookSignatureHeader), r.Header.Get(channel.WebhookTimestampHeader))
	var received, repeated int
	if err == nil {
		var ins []reply.Incoming
		if ins, err = reply.ParseWebhookReplies(body); err == nil {
			received, repeated, err = h.replies.ReceiveAll(r.Context(), ins)
		}
	}
	if err != nil {
		h.failed(r, err)
		code, msg := replyStatus(err)
		writeJSON(w, code, map[string]any{"error": map[string]string{"code": http.StatusText(code), "message": msg}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"received": received, "duplicates": repeated})
}
