package api

import (
	"errors"
	"net/http"

	"touchbase/internal/notify"
)

// botBody is a group-bot webhook (WeCom, DingTalk, Feishu) as its owner
// writes it. PUT replaces every field: an absent enabled is true; an
// empty url or secret keeps the stored one; clear_secret removes it.
type botBody struct {
	Provider    string `json:"provider"`
	URL         string `json:"url"`
	Secret      string `json:"secret"`
	ClearSecret bool   `json:"clear_secret"`
	Enabled     bool   `json:"enabled"`
}

// botTestResult is a bot's acceptance of a test message.
type botTestResult struct {
	Provider string `json:"provider"`
}

// botFailure is the "error" member of a 502 answer: the bot's refusal.
type botFailure struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Provider   string `json:"provider"`
	Status     int    `json:"status"`
	VendorCode int    `json:"vendor_code"`
	Detail     string `json:"detail"`
	Transient  bool   `json:"transient"`
}

// The caller's own bot: notifications of the caller are forwarded to it.
func (h *handler) getMyBot(w http.ResponseWriter, r *http.Request)    { h.getBot(w, r, false) }
func (h *handler) saveMyBot(w http.ResponseWriter, r *http.Request)   { h.saveBot(w, r, false) }
func (h *handler) deleteMyBot(w http.ResponseWriter, r *http.Request) { h.deleteBot(w, r, false) }
func (h *handler) testMyBot(w http.ResponseWriter, r *http.Request)   { h.testBot(w, r, false) }

// The admin-wide bot: everyone's notifications are forwarded to it.
// Admins only.
func (h *handler) getAdminBot(w http.ResponseWriter, r *http.Request)    { h.getBot(w, r, true) }
func (h *handler) saveAdminBot(w http.ResponseWriter, r *http.Request)   { h.saveBot(w, r, true) }
func (h *handler) deleteAdminBot(w http.ResponseWriter, r *http.Request) { h.deleteBot(w, r, true) }
func (h *handler) testAdminBot(w http.ResponseWriter, r *http.Request)   { h.testBot(w, r, true) }

// getBot answers the bot's settings (the URL only as a hint, the secret
// only as has_secret); 404 when none is set.
func (h *handler) getBot(w http.ResponseWriter, r *http.Request, adminWide bool) {
	b, err := h.app.Notify.Bot(r.Context(), identity(r).User, adminWide)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// saveBot sets the bot, replacing any earlier one.
func (h *handler) saveBot(w http.ResponseWriter, r *http.Request, adminWide bool) {
	if adminWide {
		if err := requireAdmin(r); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	body := botBody{Enabled: true}
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.app.Notify.SaveBot(r.Context(), identity(r).User, adminWide, notify.BotInput(body))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// deleteBot removes the bot; 404 when none is set.
func (h *handler) deleteBot(w http.ResponseWriter, r *http.Request, adminWide bool) {
	if err := h.app.Notify.DeleteBot(r.Context(), identity(r).User, adminWide); err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}

// testBot posts a test message to the bot now: 200 when it took it, 502
// with its answer when it refused or could not be reached, 404 when no
// bot is set.
func (h *handler) testBot(w http.ResponseWriter, r *http.Request, adminWide bool) {
	u := identity(r).User
	settings, err := h.app.Notify.Bot(r.Context(), u, adminWide)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.app.Notify.TestBot(r.Context(), u, adminWide)
	var be *notify.BotError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, botTestResult{Provider: settings.Provider})
	case errors.As(err, &be):
		writeJSON(w, http.StatusBadGateway, struct {
			Error botFailure `json:"error"`
		}{botFailure{Code: "bot_failed", Message: be.Error(), Provider: be.Provider, Status: be.Status,
			VendorCode: be.Code, Detail: be.Message, Transient: be.Transient}})
	default:
		h.fail(w, r, err)
	}
}
