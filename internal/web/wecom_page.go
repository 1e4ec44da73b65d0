package web

import (
	"errors"
	"net/http"
	"strconv"

	"touchbase/internal/callback"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/wecom"
)

// weComData is the data of the WeCom settings page.
type weComData struct {
	base
	Settings    wecom.Settings
	Form        wecom.Config // what the form shows (secrets never)
	Errors      model.ValidationErrors
	CallbackURL string
	Tested      *wecom.TestResult
	Refreshed   *wecom.MemberSync
	Problem     string // WeCom's refusal of a test, a refresh or a sync, translated
	Members     []*model.WeComMember
	Users       []*model.User
	Counts      storage.WeComCounts
	Review      []*model.WeComExternal
	// ReviewErrors are the field errors of one review row, by external id.
	ReviewErrors map[string]string
}

// weComPage shows the WeCom connection, its members and who they are,
// and the external contacts waiting to be matched.
func (h *handler) weComPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.weComLoad(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_wecom.html", d)
}

func (h *handler) weComLoad(w http.ResponseWriter, r *http.Request) (weComData, error) {
	ctx := r.Context()
	d := weComData{base: h.adminBase(w, r, "wecom", "wecom.title"), CallbackURL: h.app.Config.BaseURL + callback.WeComPath,
		ReviewErrors: map[string]string{}}
	var err error
	if d.Settings, err = h.app.WeCom.Settings(ctx); err != nil {
		return d, err
	}
	d.Form = d.Settings.Config
	if !d.Settings.Configured {
		return d, nil
	}
	if d.Members, err = h.app.WeCom.Members(ctx); err != nil {
		return d, err
	}
	if d.Users, err = h.app.Admin.Users(ctx, storage.UserFilter{ActiveOnly: true}); err != nil {
		return d, err
	}
	if d.Counts, err = h.app.WeCom.Counts(ctx); err != nil {
		return d, err
	}
	d.Review, err = h.app.WeCom.Review(ctx)
	return d, err
}

// weComProblem turns WeCom's refusal into the page's message; other
// errors are the caller's to fail with.
func (h *handler) weComProblem(r *http.Request, err error) (string, bool) {
	var we *wecom.Error
	switch {
	case errors.As(err, &we) && we.Code != 0:
		key := "wecom.errcode." + strconv.Itoa(we.Code)
		if !i18n.Has(h.lang(r), key) {
			return h.t(r, "wecom.errcode.other", we.Code, we.Msg), true
		}
		return h.t(r, key, we.Code), true
	case errors.As(err, &we) && we.Status != 0:
		return h.t(r, "wecom.http_failed", we.Status), true
	case errors.As(err, &we):
		return h.t(r, "wecom.unreachable", we.Msg), true
	case errors.Is(err, wecom.ErrNotConfigured):
		return h.t(r, "wecom.not_connected"), true
	}
	return "", false
}

// weComSecret is one secret field of the connection form: never filled
// in, marked when a value is stored.
type weComSecret struct {
	Name, Label, Hint, Error string
	Set, Required            bool
}

// Secret describes the secret field name for the template.
func (d weComData) Secret(name string, required bool) weComSecret {
	hint := ""
	if i18n.Has(d.Lang, "wecom.secret."+name+"_hint") {
		hint = i18n.T(d.Lang, "wecom.secret."+name+"_hint")
	}
	return weComSecret{Name: name, Label: i18n.T(d.Lang, "wecom.secret."+name), Hint: hint,
		Error: i18n.FieldError(d.Lang, d.Errors.For(name)), Set: d.Settings.Secrets[name], Required: required}
}

// AgentID is the form's agent id, empty when none.
func (d weComData) AgentID() string {
	if d.Form.AgentID == 0 {
		return ""
	}
	return strconv.FormatInt(d.Form.AgentID, 10)
}

// ConfirmHours and MonthlyLimit are the form's numbers, empty for the
// defaults.
func (d weComData) ConfirmHours() string { return optionalInt(d.Form.ConfirmHours) }

func (d weComData) MonthlyLimit() string { return optionalInt(d.Form.MonthlyLimit) }

// optionalInt writes n, or "" for 0.
func optionalInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
