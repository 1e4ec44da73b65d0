package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/wecom"
)

// weComForm reads the connection form; an agent id that is not a number
// is a field error.
func weComForm(r *http.Request) (wecom.Config, model.ValidationErrors) {
	c := wecom.Config{
		CorpID:         strings.TrimSpace(r.FormValue("corp_id")),
		ContactSecret:  strings.TrimSpace(r.FormValue("contact_secret")),
		AgentSecret:    strings.TrimSpace(r.FormValue("agent_secret")),
		CallbackToken:  strings.TrimSpace(r.FormValue("callback_token")),
		EncodingAESKey: strings.TrimSpace(r.FormValue("encoding_aes_key")),
		BaseURL:        strings.TrimSpace(r.FormValue("base_url")),
	}
	if v := strings.TrimSpace(r.FormValue("agent_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return c, model.ValidationErrors{model.NewFieldError("agent_id", "invalid", "agent id must be a positive number")}
		}
		c.AgentID = id
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"confirm_hours", &c.ConfirmHours}, {"monthly_limit", &c.MonthlyLimit}} {
		if v := strings.TrimSpace(r.FormValue(f.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return c, model.ValidationErrors{model.NewFieldError(f.name, "invalid", f.name+" must be a whole number")}
			}
			*f.dst = n
		}
	}
	return c, nil
}

// weComSave stores the connection; secrets left blank keep the stored
// ones.
func (h *handler) weComSave(w http.ResponseWriter, r *http.Request) {
	in, errs := weComForm(r)
	var err error = errs
	if errs == nil {
		err = h.app.WeCom.Save(r.Context(), identity(r).User.ID, in)
	}
	if ve, ok := model.AsValidation(err); ok {
		d, lerr := h.weComLoad(w, r)
		if lerr != nil {
			h.fail(w, r, lerr)
			return
		}
		in.ContactSecret, in.AgentSecret, in.CallbackToken, in.EncodingAESKey = "", "", "", ""
		d.Form, d.Errors = in, ve
		h.render(w, r, http.StatusBadRequest, "admin_wecom.html", d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.wecom_saved", "/admin/wecom")
}

// weComRender shows the page with status after set has filled in what
// an action found.
func (h *handler) weComRender(w http.ResponseWriter, r *http.Request, status int, set func(d *weComData)) {
	d, err := h.weComLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set(&d)
	h.render(w, r, status, "admin_wecom.html", d)
}

// weComAct runs one action against WeCom and shows the page with what it
// found, or with WeCom's refusal (502) or the input's (400).
func (h *handler) weComAct(w http.ResponseWriter, r *http.Request, act func(d *weComData) error) {
	var found weComData
	err := act(&found)
	status, problem := http.StatusOK, ""
	if err != nil {
		var ok bool
		if problem, ok = h.weComProblem(r, err); ok {
			status = http.StatusBadGateway
		} else if ve, isInput := model.AsValidation(err); isInput {
			status, problem = http.StatusBadRequest, fieldErrorText(h.lang(r), ve)
		} else {
			h.fail(w, r, err)
			return
		}
	}
	h.weComRender(w, r, status, func(d *weComData) {
		d.Tested, d.Refreshed, d.Problem = found.Tested, found.Refreshed, problem
	})
}

// fieldErrorText is the first field error, translated.
func fieldErrorText(lang string, ve model.ValidationErrors) string {
	if len(ve) == 0 {
		return ""
	}
	return i18n.FieldError(lang, ve[0])
}

// weComTest fetches a token and reads a member, to show the connection
// works.
func (h *handler) weComTest(w http.ResponseWriter, r *http.Request) {
	h.weComAct(w, r, func(d *weComData) error {
		res, err := h.app.WeCom.Test(r.Context())
		if err == nil {
			d.Tested = &res
		}
		return err
	})
}

// weComRefreshMembers reads the members who may serve customers and maps
// them to users by mobile or e-mail.
func (h *handler) weComRefreshMembers(w http.ResponseWriter, r *http.Request) {
	h.weComAct(w, r, func(d *weComData) error {
		res, err := h.app.WeCom.RefreshMembers(r.Context())
		if err == nil {
			d.Refreshed = &res
		}
		return err
	})
}

// weComMapMember sets (or clears) the user a member is.
func (h *handler) weComMapMember(w http.ResponseWriter, r *http.Request) {
	err := h.app.WeCom.MapMember(r.Context(), r.PathValue("userid"), formID(r, "user_id"))
	if err == nil {
		h.saved(w, r, "flash.wecom_member_mapped", "/admin/wecom#members")
		return
	}
	h.weComAct(w, r, func(*weComData) error { return err })
}

// weComSync queues a walk of the mapped members' customers.
func (h *handler) weComSync(w http.ResponseWriter, r *http.Request) {
	if err := h.app.WeCom.SyncSoon(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.wecom_sync_queued", "/admin/wecom#identities")
}

// weComResolve settles one external contact of the review list: matched
// to the contact with the mobile number typed, or set aside.
func (h *handler) weComResolve(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	var contactID *int64
	if r.FormValue("action") != "not_customer" {
		cid, err := h.app.WeCom.ContactByMobile(ctx, r.FormValue("mobile"))
		if ve, ok := model.AsValidation(err); ok {
			h.weComRender(w, r, http.StatusBadRequest, func(d *weComData) {
				d.ReviewErrors[id] = fieldErrorText(h.lang(r), ve)
			})
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		contactID = &cid
	}
	if err := h.app.WeCom.Resolve(ctx, id, contactID); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			h.notFound(w, r)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.wecom_resolved", "/admin/wecom#review")
}
