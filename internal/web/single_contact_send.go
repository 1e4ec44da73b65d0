package web

import (
	"net/http"

	"touchbase/internal/model"
)

// singleContactSend sends the dialog's content on each ticked channel. A
// refused form (opted out, do-not-contact, missing title…) comes back with
// its errors and nothing is sent. Otherwise each channel's outcome is
// shown: when all went out the dialog says so with links to the records;
// when a provider refused one, the form stays, with its content, the
// provider's reason, and only the failed channels still ticked.
func (h *handler) singleContactSend(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	form := readSingleContact(r)
	pl, err := h.contactPlan(r, form.PlanID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.singleContact(w, r, form.ContactID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Plan = pl
	if d.Contact == nil {
		h.notFound(w, r)
		return
	}
	form.ContactID = d.Contact.ID
	d.Form = form
	d.Results, err = h.app.Records.Send(r.Context(), id.Policy, id.User, form.input(false))
	if ve, ok := model.AsValidation(err); ok {
		d.Errors = formFields(ve)
		if err := h.preview(r, &d); err != nil {
			h.fail(w, r, err)
			return
		}
		h.formFailed(w, r, "single_contact.html", "single_contact_form", "single-contact-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	events := map[string]any{}
	if d.Sent() > 0 {
		events["recordsChanged"] = true
		if pl != nil {
			events["plansChanged"] = true
		}
	}
	if d.Failed() == 0 {
		events["toast"] = toast{Message: h.t(r, d.DoneToast())}
		trigger(w, events)
		h.view(w, r, http.StatusOK, "single_contact.html", "single_contact_done", d)
		return
	}
	if len(events) > 0 { // no toast: the dialog itself says what failed
		trigger(w, events)
	}
	keepFailed(&d)
	if d.Recent, err = h.app.Store.DeliveriesOfContact(r.Context(), d.Contact.ID, 5); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.preview(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "single_contact.html", "single_contact_form", d)
}

// singleContactWithdraw withdraws a WeCom message of the rep's that still
// waits for their confirmation in the WeCom client, and shows the dialog
// again for its contact. A message the rep confirmed meanwhile is
// settled as sent instead, and the toast says so.
func (h *handler) singleContactWithdraw(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	did := formID(r, "delivery_id")
	if did == nil {
		h.fail(w, r, model.NewFieldError("delivery_id", "required", "delivery_id is required"))
		return
	}
	form := readSingleContact(r)
	d, err := h.singleContact(w, r, form.ContactID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := h.t(r, "single.withdrawn")
	got, err := h.app.Records.WithdrawWeCom(r.Context(), id.Policy, *did)
	switch ve, ok := model.AsValidation(err); {
	case ok:
		msg = fieldErrorText(h.lang(r), ve)
	case err != nil:
		h.fail(w, r, err)
		return
	case got.Status == model.DeliverySent:
		msg = h.t(r, "single.withdraw_too_late")
	}
	if d.Recent, err = h.app.Store.DeliveriesOfContact(r.Context(), d.Contact.ID, 5); err != nil {
		h.fail(w, r, err)
		return
	}
	trigger(w, map[string]any{"toast": toast{Message: msg}, "recordsChanged": true})
	h.view(w, r, http.StatusOK, "single_contact.html", "single_contact_form", d)
}
