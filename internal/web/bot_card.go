package web

import (
	"errors"
	"net/http"
	"strings"

	"touchbase/internal/model"
	"touchbase/internal/notify"
)

// botProviders are the group bots notifications can be forwarded to.
var botProviders = []string{model.BotWeCom, model.BotDingTalk, model.BotFeishu}

// botCard is the data of the group-bot card: the user's own bot on the
// profile page, or the admin-wide one on the settings page.
type botCard struct {
	AdminWide bool
	CSRF      string
	Bot       *notify.BotSettings // nil when none is saved
	Form      notify.BotInput     // what was typed, after a refused save
	Errors    model.ValidationErrors
	Saved     bool
	Test      *botTest
}

// botTest is the outcome of a test message.
type botTest struct {
	OK     bool
	Detail string // the bot's refusal
}

// Action is the URL the card posts to.
func (c botCard) Action() string {
	if c.AdminWide {
		return "/admin/bot"
	}
	return "/profile/bot"
}

// Providers lists the bots to choose from.
func (c botCard) Providers() []string { return botProviders }

// Provider is the bot chosen: as typed, else as saved, else WeCom.
func (c botCard) Provider() string {
	switch {
	case c.Form.Provider != "":
		return c.Form.Provider
	case c.Bot != nil:
		return c.Bot.Provider
	}
	return model.BotWeCom
}

// Enabled reports whether forwarding is on, as typed or saved (on for a
// new bot).
func (c botCard) Enabled() bool {
	switch {
	case c.Form.Provider != "":
		return c.Form.Enabled
	case c.Bot != nil:
		return c.Bot.Enabled
	}
	return true
}

// isAdminBot reports whether the request is about the admin-wide bot.
func isAdminBot(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/admin/") }

// botCard loads the card of the user's bot, or of the admin-wide one.
func (h *handler) botCard(r *http.Request, adminWide bool, csrf string) (botCard, error) {
	c := botCard{AdminWide: adminWide, CSRF: csrf}
	b, err := h.app.Notify.Bot(r.Context(), identity(r).User, adminWide)
	if errors.Is(err, model.ErrNotFound) {
		return c, nil
	}
	c.Bot = b
	return c, err
}

// botAnswer shows the card: alone for htmx, else on its page.
func (h *handler) botAnswer(w http.ResponseWriter, r *http.Request, status int, c botCard) {
	if isHTMX(r) {
		h.fragment(w, r, status, "bot_card", c)
		return
	}
	if c.AdminWide {
		d, err := h.settingsData(w, r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Bot = c
		h.render(w, r, status, "admin_settings.html", d)
		return
	}
	d, err := h.profile(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Bot = c
	h.render(w, r, status, "profile.html", d)
}

// botBack returns to the card's page after a plain form.
func (h *handler) botBack(w http.ResponseWriter, r *http.Request, flash string) {
	setFlash(w, flash)
	if isAdminBot(r) {
		h.redirect(w, r, "/admin/settings#bot-card")
		return
	}
	h.redirect(w, r, "/profile#bot-card")
}

// botSave stores the group-bot settings. An empty URL or secret keeps the
// stored one.
func (h *handler) botSave(w http.ResponseWriter, r *http.Request) {
	admin := isAdminBot(r)
	in := notify.BotInput{Provider: r.PostFormValue("provider"), URL: r.PostFormValue("url"), Secret: r.PostFormValue("secret"),
		ClearSecret: formBool(r, "clear_secret"), Enabled: formBool(r, "enabled")}
	_, err := h.app.Notify.SaveBot(r.Context(), identity(r).User, admin, in)
	if ve, ok := model.AsValidation(err); ok {
		c, err := h.botCard(r, admin, h.csrfToken(w, r))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		in.URL, in.Secret = "", "" // never echoed: the URL holds the bot's key
		c.Form, c.Errors = in, ve
		h.botAnswer(w, r, http.StatusBadRequest, c)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		h.botBack(w, r, "flash.bot_saved")
		return
	}
	c, err := h.botCard(r, admin, h.csrfToken(w, r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c.Saved = true // said in the card: no toast
	h.botAnswer(w, r, http.StatusOK, c)
}

// botTestSend posts a test message to the saved bot and shows its answer.
func (h *handler) botTestSend(w http.ResponseWriter, r *http.Request) {
	admin := isAdminBot(r)
	c, err := h.botCard(r, admin, h.csrfToken(w, r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c.Bot == nil {
		c.Test = &botTest{Detail: h.t(r, "bot.save_first")}
		h.botAnswer(w, r, http.StatusOK, c)
		return
	}
	err = h.app.Notify.TestBot(r.Context(), identity(r).User, admin)
	c.Test = &botTest{OK: err == nil}
	if err != nil {
		c.Test.Detail = err.Error()
	}
	h.botAnswer(w, r, http.StatusOK, c)
}

// botDelete removes the group-bot settings.
func (h *handler) botDelete(w http.ResponseWriter, r *http.Request) {
	admin := isAdminBot(r)
	err := h.app.Notify.DeleteBot(r.Context(), identity(r).User, admin)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		h.botBack(w, r, "flash.bot_removed")
		return
	}
	trigger(w, map[string]any{"toast": toast{Message: h.t(r, "flash.bot_removed")}})
	h.botAnswer(w, r, http.StatusOK, botCard{AdminWide: admin, CSRF: h.csrfToken(w, r)})
}
