package web

import (
	"errors"
	"net/http"

	"touchbase/internal/unsubscribe"
)

// States of the unsubscribe page.
const (
	unsubscribeAsk     = "ask"
	unsubscribeDone    = "done"
	unsubscribeInvalid = "invalid"
	unsubscribeLimited = "limited"
)

// unsubscribeData is the unsubscribe page: a question with the one-click
// form, the done page, or why the link cannot be used.
type unsubscribeData struct {
	base
	State  string
	Masked string // the address, partly hidden
	Action string
}

// unsubscribePage shows where an unsubscribe link leads: the masked
// address and a button that posts the one-click form. It changes nothing.
func (h *handler) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	link, err := h.app.Unsubscribe.Check(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, unsubscribe.ErrInvalidToken):
		h.unsubscribeAnswer(w, r, http.StatusNotFound, unsubscribeInvalid, "")
	case err != nil:
		h.fail(w, r, err)
	case link.Done:
		h.unsubscribeAnswer(w, r, http.StatusOK, unsubscribeDone, link.Masked)
	default:
		h.unsubscribeAnswer(w, r, http.StatusOK, unsubscribeAsk, link.Masked)
	}
}

// unsubscribeAnswer renders the unsubscribe page in state.
func (h *handler) unsubscribeAnswer(w http.ResponseWriter, r *http.Request, status int, state, masked string) {
	d := unsubscribeData{base: h.base(w, r, "", "unsubscribe.page_title"), State: state, Masked: masked,
		Action: unsubscribe.Path + r.PathValue("token")}
	h.render(w, r, status, "unsubscribe.html", d)
}
