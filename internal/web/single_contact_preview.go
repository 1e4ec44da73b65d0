package web

import "net/http"

// singleContactPreview renders the dialog's content for its contact as the
// rep types: the SMS and e-mail with merge fields filled in, and the SMS
// length, encoding and segments (swapped into the counter out of band).
func (h *handler) singleContactPreview(w http.ResponseWriter, r *http.Request) {
	form := readSingleContact(r)
	d, err := h.singleContact(w, r, form.ContactID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Contact == nil {
		h.notFound(w, r)
		return
	}
	form.ContactID = d.Contact.ID
	d.Form = form
	if err := h.preview(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	h.fragment(w, r, http.StatusOK, "single_contact_preview_update", d)
}
