package web

import (
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

// smsTemplateFormData is the data of the template dialog: a template's
// kind, signature and what fills each variable; for one entered by hand
// also its code, content and state.
type smsTemplateFormData struct {
	base
	Template   *model.SMSTemplate // nil: a new one
	Form       smstemplate.Edit
	Vars       []smsVarForm
	Signatures []*model.SMSSignature
	Fields     []string // merge fields
	Errors     model.ValidationErrors
	Action     string
}

// smsVarForm is one variable's row of the dialog.
type smsVarForm struct {
	Name   string
	Choice string // "merge:contact.name", "constant" or "rep"
	Text   string // the constant, or what the rep is asked for
}

// Manual reports whether code, content and state are the admin's.
func (d smsTemplateFormData) Manual() bool {
	return d.Template == nil || d.Template.Origin == model.OriginManual
}

// readSMSTemplate reads the dialog: var.<name> is the source of each
// variable, text.<name> its constant or the rep's prompt.
func readSMSTemplate(r *http.Request, provider string) smstemplate.Edit {
	in := smstemplate.Edit{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		Content: r.PostFormValue("content"), State: r.PostFormValue("state"), SignName: r.PostFormValue("sign_name"),
		Variables: map[string]model.VarSource{}}
	for _, v := range smstemplate.Variables(provider, in.Content) {
		in.Variables[v] = model.VarSource{}
	}
	for k, vals := range r.PostForm {
		name, ok := strings.CutPrefix(k, "var.")
		if !ok || len(vals) == 0 {
			continue
		}
		text := r.PostFormValue("text." + name)
		switch choice := vals[0]; {
		case strings.HasPrefix(choice, "merge:"):
			in.Variables[name] = model.VarSource{Source: model.VarMerge, Field: strings.TrimPrefix(choice, "merge:")}
		case choice == model.VarConstant:
			in.Variables[name] = model.VarSource{Source: model.VarConstant, Value: text}
		default:
			in.Variables[name] = model.VarSource{Source: model.VarRep, Label: text}
		}
	}
	return in
}

// varRows lists the variables of content with what fills them.
func varRows(provider, content string, vars map[string]model.VarSource) []smsVarForm {
	var out []smsVarForm
	for _, v := range smstemplate.Variables(provider, content) {
		src := vars[v]
		row := smsVarForm{Name: v, Choice: model.VarRep, Text: src.Label}
		switch src.Source {
		case model.VarMerge:
			row.Choice, row.Text = "merge:"+src.Field, ""
		case model.VarConstant:
			row.Choice, row.Text = model.VarConstant, src.Value
		}
		out = append(out, row)
	}
	return out
}

// smsTemplateForm builds the dialog of t (nil: a new one) showing in.
func (h *handler) smsTemplateForm(w http.ResponseWriter, r *http.Request, t *model.SMSTemplate, in smstemplate.Edit,
	provider string, errs model.ValidationErrors) (smsTemplateFormData, error) {
	d := smsTemplateFormData{base: h.adminBase(w, r, "sms_templates", "smstpl.edit_title"), Template: t, Form: in,
		Fields: message.Fields(), Errors: errs, Action: "/admin/sms-templates"}
	if t == nil {
		d.Title = h.t(r, "smstpl.new_title")
	} else {
		d.Action += "/" + strconv.FormatInt(t.ID, 10)
		provider = t.Provider
	}
	d.Vars = varRows(provider, in.Content, in.Variables)
	var err error
	d.Signatures, err = h.app.SMSTemplates.Signatures(r.Context())
	return d, err
}

// editOf is what the dialog of t shows first.
func editOf(t *model.SMSTemplate) smstemplate.Edit {
	return smstemplate.Edit{Code: t.Code, Name: t.Name, Kind: t.Kind, Content: t.Content, State: t.State,
		SignName: t.SignName, Variables: t.Variables}
}

// smsTemplateEdit shows the dialog of one template.
func (h *handler) smsTemplateEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	t, err := h.app.SMSTemplates.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.smsTemplateForm(w, r, t, editOf(t), "", nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "sms_template_form.html", "sms_template_dialog", d)
}

// smsTemplateNew shows the dialog entering a template by hand.
func (h *handler) smsTemplateNew(w http.ResponseWriter, r *http.Request) {
	p, _, err := h.app.SMSTemplates.Provider(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.smsTemplateForm(w, r, nil, smstemplate.Edit{Kind: model.TemplateNotice, State: model.ReviewApproved}, p, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "sms_template_form.html", "sms_template_dialog", d)
}

// smsTemplateSave creates (no {id}) or updates a template from the dialog.
func (h *handler) smsTemplateSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var t *model.SMSTemplate
	provider, _, err := h.app.SMSTemplates.Provider(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id, ok := pathID(r, "id"); ok {
		if t, err = h.app.SMSTemplates.Get(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
		provider = t.Provider
	}
	in := readSMSTemplate(r, provider)
	if t != nil && t.Origin != model.OriginManual {
		in.Code, in.Content, in.State = t.Code, t.Content, t.State
	}
	if t == nil {
		_, err = h.app.SMSTemplates.Create(ctx, in)
	} else {
		_, err = h.app.SMSTemplates.Update(ctx, t.ID, in)
	}
	if ve, ok := model.AsValidation(err); ok {
		d, derr := h.smsTemplateForm(w, r, t, in, provider, ve)
		if derr != nil {
			h.fail(w, r, derr)
			return
		}
		h.formFailed(w, r, "sms_template_form.html", "sms_template_form", "sms-template-form", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		h.saved(w, r, "flash.sms_template_saved", "/admin/sms-templates")
		return
	}
	// htmx gets the refreshed templates card and closes the dialog.
	d, err := h.smsTemplateData(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	trigger(w, map[string]any{"closeDialog": true, "toast": toast{Message: h.t(r, "flash.sms_template_saved")}})
	h.fragment(w, r, http.StatusOK, "sms_templates_card", d)
}
