package web

import (
	"errors"
	"net/http"
	"strings"

	"touchbase/internal/unsubscribe"
)

// unsubscribePost is the one-click unsubscribe of RFC 8058: a POST of
// "List-Unsubscribe=One-Click" to the link opts the contact out of e-mail,
// with no login and no confirmation, and answers 200 with the done page.
// Posting it again changes nothing. A malformed form is a 400, a bad
// token a 404; neither changes anything.
func (h *handler) unsubscribePost(w http.ResponseWriter, r *http.Request) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(unsubscribeBodyLimit)
	} else {
		err = r.ParseForm()
	}
	if err != nil || r.PostForm.Get("List-Unsubscribe") != "One-Click" {
		h.unsubscribeAnswer(w, r, http.StatusBadRequest, unsubscribeInvalid, "")
		return
	}
	link, err := h.app.Unsubscribe.Unsubscribe(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, unsubscribe.ErrInvalidToken):
		h.unsubscribeAnswer(w, r, http.StatusNotFound, unsubscribeInvalid, "")
	case err != nil:
		h.fail(w, r, err)
	default:
		h.unsubscribeAnswer(w, r, http.StatusOK, unsubscribeDone, link.Masked)
	}
}
