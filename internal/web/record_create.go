package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// recordCreate stores a record added by hand. A time in the future, a
// missing title or an unknown channel come back as field errors. With a
// plan_id the record completes that contact plan (an ended plan is a
// field error, and nothing is stored).
func (h *handler) recordCreate(w http.ResponseWriter, r *http.Request) {
	d, err := h.recordFormLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Form = readRecordForm(r)
	if d.Plan, err = h.contactPlan(r, d.Form.PlanID); err != nil {
		h.fail(w, r, err)
		return
	}
	in, fe := d.Form.input(h.location(r))
	if ct, _ := pickContact(d.Contacts, d.Form.ContactID); fe == nil && (ct == nil || d.Form.ContactID == 0) {
		fe = model.NewFieldError("contact_id", "required", "choose a contact of this customer")
	}
	if fe == nil {
		_, err = h.app.Records.AddManual(r.Context(), identity(r).Policy, in)
	} else {
		err = fe
	}
	if ve, ok := model.AsValidation(err); ok {
		d.Errors = ve
		h.formFailed(w, r, "record_form.html", "record_form", "record-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		setFlash(w, "flash.record_created")
		if d.Plan != nil {
			h.redirect(w, r, "/plans/"+strconv.FormatInt(d.Plan.ID, 10))
			return
		}
		h.redirect(w, r, "/customers/"+strconv.FormatInt(d.Customer.ID, 10))
		return
	}
	events := map[string]any{"closeDialog": true, "recordsChanged": true, "toast": toast{Message: h.t(r, "flash.record_created")}}
	if d.Plan != nil {
		events["plansChanged"] = true
	}
	trigger(w, events)
	w.Header().Set("HX-Reswap", "none")
	w.WriteHeader(http.StatusOK)
}
