package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/contact"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// testSendTimeout bounds a test message.
const testSendTimeout = 30 * time.Second

// channelTestSend sends a test message through the stored provider of one
// kind and shows the provider's answer: its message id, or the reason (in
// the user's language) and the provider's own detail.
func (h *handler) channelTestSend(w http.ResponseWriter, r *http.Request) {
	d, err := h.channelsPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kind := channel.Kind(r.PathValue("kind"))
	c := d.card(kind)
	if c == nil {
		h.notFound(w, r)
		return
	}
	c.TestTo = strings.TrimSpace(r.PostFormValue("to"))
	c.Test = h.testSend(r, kind, c.TestTo)
	status := http.StatusOK
	if c.Test.FieldError != "" {
		status = http.StatusBadRequest
	}
	if isHTMX(r) {
		h.fragment(w, r, status, "channel_test", *c)
		return
	}
	h.render(w, r, status, "admin_channels.html", d)
}

// testSend checks the recipient and sends the test message.
func (h *handler) testSend(r *http.Request, kind channel.Kind, to string) *testAnswer {
	lang := h.lang(r)
	var err error
	switch {
	case to == "":
		err = model.NewFieldError("to", "required", "recipient is required")
	case kind == channel.KindSMS:
		to, err = contact.NormalizeMobile(to, h.region(r.Context()))
	default:
		to, err = contact.NormalizeEmail(to)
	}
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return &testAnswer{FieldError: i18n.FieldError(lang, fe)}
	}
	ch, _, err := h.app.Channels.Channel(r.Context(), kind)
	if err != nil {
		return &testAnswer{Reason: channel.ReasonText(channel.ReasonInvalidRequest, lang), Detail: err.Error()}
	}
	ch.Close()
	ctx, cancel := context.WithTimeout(r.Context(), testSendTimeout)
	defer cancel()
	a := &testAnswer{Provider: ch.Name()}
	a.MessageID, err = h.app.Channels.TestSend(ctx, kind, to)
	if err == nil {
		a.OK = true
		return a
	}
	a.Reason, a.Detail = channel.ReasonText(channel.Reason(err), lang), err.Error()
	var ce *channel.Error
	if errors.As(err, &ce) && ce.Detail != "" {
		a.Detail = ce.Detail
		if ce.Code != "" {
			a.Detail = ce.Code + ": " + ce.Detail
		}
	}
	return a
}
