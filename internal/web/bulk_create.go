package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
)

// bulkCreate accepts the wizard's bulk send: every recipient row is stored
// before the answer, and the browser lands on the send's page. Refused,
// the wizard comes back at the first step with an error, with everything
// as it was, and nothing is stored.
func (h *handler) bulkCreate(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	f := readBulkForm(r)
	loc := h.location(r)
	in, errs, chosen, err := h.checkBulk(r, f, loc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !chosen {
		errs.Add("recipients", "required", "choose at least one contact")
	}
	if len(errs) > 0 {
		h.bulkRefused(w, r, f, errs)
		return
	}
	if !formBool(r, "confirm") {
		// A large send, or one to every visible contact, is confirmed on
		// the review step first.
		dr, err := h.app.Bulk.DryRun(r.Context(), id.Policy, id.User, in, f.channels(), 1)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if dr.Confirm {
			h.bulkUnconfirmed(w, r, f, in)
			return
		}
	}
	b, err := h.app.Bulk.Create(r.Context(), id.Policy, id.User, in)
	if ve, ok := model.AsValidation(err); ok {
		h.bulkRefused(w, r, f, ve)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flash := "flash.bulk_started"
	switch {
	case b.Status == model.BulkAwaitingApproval:
		flash = "flash.bulk_awaiting_approval"
	case b.Status == model.BulkScheduled && in.ScheduledAt != nil:
		flash = "flash.bulk_scheduled"
	}
	setFlash(w, flash)
	h.redirect(w, r, "/bulk/"+strconv.FormatInt(b.ID, 10))
}

// bulkRefused shows the wizard again (400) at the first step with an
// error.
func (h *handler) bulkRefused(w http.ResponseWriter, r *http.Request, f bulkForm, errs model.ValidationErrors) {
	f.Step = stepRecipients
	for _, e := range errs {
		if stepOf(e.Field) == stepContent {
			f.Step = stepContent
			break
		}
	}
	d, err := h.newBulkWizard(w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Errors = errs
	h.view(w, r, http.StatusBadRequest, "bulk_new.html", "bulk_wizard", d)
}

// bulkUnconfirmed shows the review step again (400) asking to confirm.
func (h *handler) bulkUnconfirmed(w http.ResponseWriter, r *http.Request, f bulkForm, in bulk.Input) {
	f.Step = stepReview
	d, err := h.newBulkWizard(w, r, f)
	if err == nil {
		err = h.bulkReview(r, &d, in)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Errors = model.ValidationErrors{{Field: "confirm", Code: "confirm_required", Message: "confirm the number of messages and the cost"}}
	h.view(w, r, http.StatusBadRequest, "bulk_new.html", "bulk_wizard", d)
}
