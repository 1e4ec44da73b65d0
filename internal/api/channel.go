package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
	"touchbase/internal/channel/registry"
	"touchbase/internal/contact"
	"touchbase/internal/model"
)

// channelBody is the provider of one channel kind. Secret fields of config
// left empty keep their stored value.
type channelBody struct {
	Provider  string          `json:"provider"`
	Config    json.RawMessage `json:"config"`
	RateLimit int             `json:"rate_limit"`
}

// testBody names the recipient of a test message.
type testBody struct {
	To string `json:"to"`
}

// testResult is the provider's acceptance of a test message.
type testResult struct {
	Provider          string `json:"provider"`
	ProviderMessageID string `json:"provider_message_id"`
}

// providerError is the "error" member of a 502 answer: the provider's
// refusal with its reason.
type providerError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Provider   string `json:"provider"`
	Reason     string `json:"reason"`
	ReasonText string `json:"reason_text"`
	Detail     string `json:"detail"`
	Transient  bool   `json:"transient"`
}

// requireAdmin refuses callers who are not administrators.
func requireAdmin(r *http.Request) error {
	if !policy(r).CanAdminister() {
		return model.ErrForbidden
	}
	return nil
}

// pathKind returns the configurable channel kind in the path; other kinds
// are 404s, like any unknown resource.
func pathKind(r *http.Request) (channel.Kind, error) {
	k, err := pathText(r, "kind")
	if err != nil {
		return "", err
	}
	if !registry.Configurable(channel.Kind(k)) {
		return "", model.ErrNotFound
	}
	return channel.Kind(k), nil
}

// listChannels returns the provider of every channel kind, secrets emptied.
// Admins only.
func (h *handler) listChannels(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Channels.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// saveChannel is PUT: the provider, configuration and rate limit of one
// kind are replaced (empty secrets keep the stored ones). Admins only.
func (h *handler) saveChannel(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	kind, err := pathKind(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var body channelBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	cfg, err := body.config()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Channels.Save(r.Context(), identity(r).User.ID, kind, body.Provider, cfg, body.RateLimit); err != nil {
		h.fail(w, r, configError(err))
		return
	}
	items, err := h.app.Channels.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, s := range items {
		if s.Kind == kind {
			writeJSON(w, http.StatusOK, s)
			return
		}
	}
	h.fail(w, r, errors.New("api: saved channel kind missing from the settings"))
}

// config checks the provider and the fields of its configuration, so a
// misspelt field is named before the registry sees it.
func (b channelBody) config() ([]byte, error) {
	providers := append([]string{outbox.Provider}, channel.Providers()...)
	if !slices.Contains(providers, b.Provider) {
		return nil, model.NewFieldError("provider", "invalid", "provider must be one of "+strings.Join(providers, ", "))
	}
	raw := bytes.TrimSpace(b.Config)
	if len(raw) == 0 || string(raw) == "null" {
		raw = []byte("{}")
	}
	var fields map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &fields) != nil {
		return nil, newBadRequest("invalid_type", "config", "config must be an object")
	}
	if b.Provider == outbox.Provider {
		return raw, nil
	}
	known, err := channel.ConfigFields(b.Provider)
	if err != nil {
		return nil, err
	}
	for name := range fields {
		if !slices.Contains(known, name) {
			return nil, newBadRequest("unknown_field", "config."+name,
				"unknown field "+name+" for "+b.Provider+"; known: "+strings.Join(known, ", "))
		}
	}
	return raw, nil
}

// configError names the field of a provider configuration error that
// reaches us unmapped (a wrongly typed field is reported while stored
// secrets are merged in), so it is a 400 rather than a 500.
func configError(err error) error {
	var ce *channel.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	field := "provider"
	if ce.Field != "" {
		field = "config." + ce.Field
	}
	return model.NewFieldError(field, "invalid", ce.Error())
}

// testChannel sends one test message through a kind's channel and answers
// with the provider's verdict: 200 with its message id, or 502 with its
// reason when it refused. Admins only.
func (h *handler) testChannel(w http.ResponseWriter, r *http.Request) {
	if err := requireAdmin(r); err != nil {
		h.fail(w, r, err)
		return
	}
	kind, err := pathKind(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var body testBody
	if err := decode(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	to, err := h.testAddress(r, kind, body.To)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.app.Channels.Probe(r.Context(), kind, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Err == nil {
		writeJSON(w, http.StatusOK, testResult{Provider: p.Provider, ProviderMessageID: p.ProviderMessageID})
		return
	}
	h.providerFailed(w, r, p.Err, p.Provider)
}

// providerFailed answers 502 with a provider's refusal: its reason, in
// the caller's language, and its own words.
func (h *handler) providerFailed(w http.ResponseWriter, r *http.Request, err error, provider string) {
	reason := channel.Reason(err)
	detail := err.Error()
	var ce *channel.Error
	if errors.As(err, &ce) && ce.Detail != "" {
		detail = ce.Detail
	}
	text := channel.ReasonText(reason, language(r))
	writeJSON(w, http.StatusBadGateway, struct {
		Error providerError `json:"error"`
	}{providerError{Code: "provider_failed", Message: text, Provider: provider, Reason: reason, ReasonText: text,
		Detail: detail, Transient: channel.IsTransient(err)}})
}

// testAddress checks and normalizes the recipient of a test message.
func (h *handler) testAddress(r *http.Request, kind channel.Kind, to string) (string, error) {
	if strings.TrimSpace(to) == "" {
		return "", model.NewFieldError("to", "required", "to is required")
	}
	var out string
	var err error
	switch kind {
	case channel.KindSMS:
		region, rerr := h.region(r)
		if rerr != nil {
			return "", rerr
		}
		out, err = contact.NormalizeMobile(to, region)
	case channel.KindEmail:
		out, err = contact.NormalizeEmail(to)
	default:
		out = strings.TrimSpace(to)
	}
	if fe, ok := model.AsValidation(err); ok {
		return "", model.NewFieldError("to", fe[0].Code, fe[0].Message)
	}
	return out, err
}
