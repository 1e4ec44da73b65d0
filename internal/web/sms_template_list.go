package web

import (
	"errors"
	"net/http"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// smsTemplateListData is the data of the SMS templates page.
type smsTemplateListData struct {
	base
	Provider   string
	Templated  bool
	Templates  []*model.SMSTemplate
	Signatures []*model.SMSSignature
	Synced     *smstemplate.SyncResult // after "sync now"
	SyncError  string                  // the provider's refusal, translated
	SyncDetail string
}

// smsTemplateList shows the SMS channel's signatures and templates, with
// their review states and what fills each variable.
func (h *handler) smsTemplateList(w http.ResponseWriter, r *http.Request) {
	d, err := h.smsTemplateData(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_sms_templates.html", d)
}

func (h *handler) smsTemplateData(w http.ResponseWriter, r *http.Request) (smsTemplateListData, error) {
	ctx := r.Context()
	d := smsTemplateListData{base: h.adminBase(w, r, "sms_templates", "smstpl.title")}
	var err error
	if d.Provider, d.Templated, err = h.app.SMSTemplates.Provider(ctx); err != nil || !d.Templated {
		return d, err
	}
	if d.Templates, err = h.app.SMSTemplates.Templates(ctx); err != nil {
		return d, err
	}
	d.Signatures, err = h.app.SMSTemplates.Signatures(ctx)
	return d, err
}

// smsTemplateSync lists the provider's templates and signatures now and
// shows the page with what changed, or with the provider's reason.
func (h *handler) smsTemplateSync(w http.ResponseWriter, r *http.Request) {
	res, syncErr := h.app.SMSTemplates.Sync(r.Context())
	var ce *channel.Error
	if syncErr != nil && !errors.As(syncErr, &ce) && !errors.Is(syncErr, smstemplate.ErrNotTemplated) {
		h.fail(w, r, syncErr)
		return
	}
	d, err := h.smsTemplateData(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	switch {
	case ce != nil:
		status = http.StatusBadGateway
		d.SyncError, d.SyncDetail = h.t(r, "smstpl.sync_failed", channel.ReasonText(channel.Reason(ce), d.Lang)), ce.Detail
	case syncErr != nil:
		status = http.StatusBadRequest
		d.SyncError = h.t(r, "error.not_templated")
	default:
		d.Synced = res
	}
	h.render(w, r, status, "admin_sms_templates.html", d)
}
