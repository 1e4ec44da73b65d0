package api

import (
	"errors"
	"net/http"
	"strconv"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// smsTemplates is the SMS channel's provider and, when it sends approved
// templates only, its templates and signatures.
type smsTemplates struct {
	Provider   string                `json:"provider"`
	Templated  bool                  `json:"templated"`
	Templates  []*model.SMSTemplate  `json:"templates"`
	Signatures []*model.SMSSignature `json:"signatures"`
}

// listSMSTemplates answers every user: reps pick a template when they
// send.
func (h *handler) listSMSTemplates(w http.ResponseWriter, r *http.Request) {
	svc := h.app.SMSTemplates
	p, templated, err := svc.Provider(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := smsTemplates{Provider: p, Templated: templated, Templates: []*model.SMSTemplate{}, Signatures: []*model.SMSSignature{}}
	if templated {
		if out.Templates, err = svc.Templates(r.Context()); err == nil {
			out.Signatures, err = svc.Signatures(r.Context())
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out.Templates = nonNil(out.Templates)
		out.Signatures = nonNil(out.Signatures)
	}
	writeJSON(w, http.StatusOK, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// getSMSTemplate answers one template.
func (h *handler) getSMSTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.app.SMSTemplates.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// syncSMSTemplates lists the provider's templates and signatures now;
// admins only. A provider that refuses answers 502 with its reason.
func (h *handler) syncSMSTemplates(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.app.SMSTemplates.Sync(r.Context())
	var ce *channel.Error
	if errors.As(err, &ce) {
		h.providerFailed(w, r, ce, ce.Provider)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// createSMSTemplate adds a template entered by hand; admins only.
func (h *handler) createSMSTemplate(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	var in smstemplate.Edit
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.app.SMSTemplates.Create(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/sms-templates/"+strconv.FormatInt(t.ID, 10))
	writeJSON(w, http.StatusCreated, t)
}

// updateSMSTemplate sets a template's name, kind, signature and variable
// mapping (and for one entered by hand its code, content and state);
// admins only.
func (h *handler) updateSMSTemplate(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in smstemplate.Edit
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.app.SMSTemplates.Update(r.Context(), id, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// deleteSMSTemplate removes a template entered by hand; admins only.
func (h *handler) deleteSMSTemplate(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.SMSTemplates.Delete(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
