package web

import (
	"context"
	"net/http"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
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
	h.singleWeComAction(w, r, h.app.Records.WithdrawWeCom, "single.withdrawn", "single.withdraw_too_late")
}

// singleContactRefresh reads at once what became of a waiting WeCom
// message of the rep's (they just confirmed it), and shows the dialog
// again with it sent, or still waiting.
func (h *handler) singleContactRefresh(w http.ResponseWriter, r *http.Request) {
	h.singleWeComAction(w, r, h.app.Records.RefreshWeCom, "single.still_awaiting", "single.refreshed_sent")
}

// singleWeComAction runs act on the WeCom message delivery_id names and
// shows the dialog again for its contact, toasting waiting when the
// message still waits or ended unsent, sent when it went.
func (h *handler) singleWeComAction(w http.ResponseWriter, r *http.Request,
	act func(context.Context, permission.Policy, int64) (*model.Delivery, error), waiting, sent string) {
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
	msg := h.t(r, waiting)
	got, err := act(r.Context(), id.Policy, *did)
	switch ve, ok := model.AsValidation(err); {
	case ok:
		msg = fieldErrorText(h.lang(r), ve)
	case err != nil:
		h.fail(w, r, err)
		return
	case got.Status == model.DeliverySent:
		msg = h.t(r, sent)
	case got.Status == model.DeliveryFailed && got.Reason != channel.ReasonCanceled:
		msg = h.t(r, "single.ended_unsent", bulk.ReasonText(got.Reason, h.lang(r)))
	}
	if d.Recent, err = h.app.Store.DeliveriesOfContact(r.Context(), d.Contact.ID, 5); err != nil {
		h.fail(w, r, err)
		return
	}
	trigger(w, map[string]any{"toast": toast{Message: msg}, "recordsChanged": true})
	h.view(w, r, http.StatusOK, "single_contact.html", "single_contact_form", d)
}
