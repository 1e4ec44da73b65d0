// Package registry builds the channel of each kind (SMS, e-mail…) from the
// provider configuration admins store in the database, with provider
// secrets sealed at rest. A kind without a configured provider uses the
// outbox. Configuration is read from the database on every lookup, so
// every serve process sharing the database sends through the same provider.
package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Kinds are the channel kinds a provider can be configured for.
var Kinds = []channel.Kind{channel.KindSMS, channel.KindEmail}

// Registry looks up channels.
type Registry struct {
	store *storage.Store
	box   *channel.SecretBox
	env   channel.Env
}

// New returns a Registry; box seals and opens provider secrets.
func New(store *storage.Store, box *channel.SecretBox, env channel.Env) *Registry {
	return &Registry{store: store, box: box, env: env}
}

// Setting is what an admin sees of one kind's configuration.
type Setting struct {
	Kind      channel.Kind    `json:"kind"`
	Provider  string          `json:"provider"`
	Config    json.RawMessage `json:"config"` // secrets emptied
	RateLimit int             `json:"rate_limit"`
	IsOutbox  bool            `json:"is_outbox"`
}

// Channel returns the channel that sends messages of kind, and its rate
// limit in messages per second (0: unlimited).
func (r *Registry) Channel(ctx context.Context, kind channel.Kind) (channel.Channel, int, error) {
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return nil, 0, err
	}
	c, ok := cfgs[string(kind)]
	if !ok || c.Provider == outbox.Provider {
		rate := 0
		if ok {
			rate = c.RateLimit
		}
		return outbox.New(r.store, kind), rate, nil
	}
	plain, err := channel.OpenConfig(c.Provider, c.Config, r.box)
	if err != nil {
		return nil, 0, fmt.Errorf("registry: open %s config: %w", kind, err)
	}
	ch, err := channel.NewWithEnv(c.Provider, plain, r.env)
	if err != nil {
		return nil, 0, fmt.Errorf("registry: build %s channel: %w", kind, err)
	}
	return ch, c.RateLimit, nil
}

// Settings returns every kind's configuration with secrets emptied.
func (r *Registry) Settings(ctx context.Context) ([]Setting, error) {
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Setting, 0, len(Kinds))
	for _, k := range Kinds {
		s := Setting{Kind: k, Provider: outbox.Provider, Config: json.RawMessage("{}"), IsOutbox: true}
		if c, ok := cfgs[string(k)]; ok {
			s.Provider, s.RateLimit, s.IsOutbox = c.Provider, c.RateLimit, c.Provider == outbox.Provider
			if !s.IsOutbox {
				red, err := channel.RedactConfig(c.Provider, c.Config)
				if err != nil {
					return nil, err
				}
				s.Config = red
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Save validates and stores the provider of one kind. Secret fields left
// empty keep their stored value, so an admin can change other fields
// without retyping secrets. provider "outbox" returns the kind to the
// outbox.
func (r *Registry) Save(ctx context.Context, userID int64, kind channel.Kind, provider string, cfgJSON []byte, rateLimit int) error {
	if !validKind(kind) {
		return model.NewFieldError("kind", "invalid", "unknown channel kind "+string(kind))
	}
	if rateLimit < 0 || rateLimit > 100000 {
		return model.NewFieldError("rate_limit", "invalid", "rate limit must be between 0 and 100000 messages per second")
	}
	rec := &model.ChannelConfig{Kind: string(kind), Provider: provider, RateLimit: rateLimit, UpdatedBy: &userID, Config: []byte("{}")}
	if provider != outbox.Provider {
		merged, err := r.keepSecrets(ctx, kind, provider, cfgJSON)
		if err != nil {
			return err
		}
		ch, err := channel.NewWithEnv(provider, merged, r.env)
		if err != nil {
			return configFieldError(err)
		}
		if ch.Kind() != kind {
			ch.Close()
			return model.NewFieldError("provider", "wrong_kind", fmt.Sprintf("%s sends %s, not %s", provider, ch.Kind(), kind))
		}
		ch.Close()
		sealed, err := channel.SealConfig(provider, merged, r.box)
		if err != nil {
			return configFieldError(err)
		}
		rec.Config = sealed
	}
	return r.store.SaveChannelConfig(ctx, rec)
}

// keepSecrets fills empty secret fields of cfgJSON from the stored
// configuration of the same provider.
func (r *Registry) keepSecrets(ctx context.Context, kind channel.Kind, provider string, cfgJSON []byte) ([]byte, error) {
	var in map[string]any
	if err := json.Unmarshal(cfgJSON, &in); err != nil {
		return nil, model.NewFieldError("config", "invalid_json", "configuration is not a JSON object")
	}
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return nil, err
	}
	old, ok := cfgs[string(kind)]
	if ok && old.Provider == provider {
		var prev map[string]any
		if err := json.Unmarshal(old.Config, &prev); err == nil {
			names, err := channel.SecretFields(provider)
			if err != nil {
				return nil, configFieldError(err)
			}
			for _, n := range names {
				if v, _ := in[n].(string); v == "" && prev[n] != nil {
					in[n] = prev[n]
				}
			}
		}
	}
	plain, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// Sealed values carried over must be opened before validation.
	opened, err := channel.OpenConfig(provider, plain, r.box)
	if err != nil {
		return nil, configFieldError(err)
	}
	return opened, nil
}

func validKind(k channel.Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// configFieldError turns a provider configuration error into a field error.
func configFieldError(err error) error {
	if ce, ok := err.(*channel.ConfigError); ok {
		field := "provider"
		if ce.Field != "" {
			field = "config." + ce.Field
		}
		return model.NewFieldError(field, "invalid", ce.Error())
	}
	return err
}

// TestSend sends one message through kind's channel and returns the
// provider's answer: its message id, or the error.
func (r *Registry) TestSend(ctx context.Context, kind channel.Kind, to string) (string, error) {
	ch, _, err := r.Channel(ctx, kind)
	if err != nil {
		return "", err
	}
	defer ch.Close()
	msg := channel.Message{To: to, Subject: "Touchbase test message", Text: "This is a test message from Touchbase."}
	return ch.Send(ctx, msg)
}

// HTTPClient returns the client providers use (for callers building their own).
func (r *Registry) HTTPClient() *http.Client { return r.env.HTTPClient }
