package registry

import (
	"context"
	"encoding/json"
	"fmt"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
)

// Provider returns the provider that sends messages of kind ("outbox"
// when none is configured).
func (r *Registry) Provider(ctx context.Context, kind channel.Kind) (string, error) {
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return "", err
	}
	if c, ok := cfgs[string(kind)]; ok {
		return c.Provider, nil
	}
	return outbox.Provider, nil
}

// SMSSign returns the signature the SMS channel's configuration names
// (sign_name), the one templates go out under unless they name their own.
func (r *Registry) SMSSign(ctx context.Context) (string, error) {
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return "", err
	}
	c, ok := cfgs[string(channel.KindSMS)]
	if !ok || c.Provider == outbox.Provider {
		return "", nil
	}
	plain, err := channel.OpenConfig(c.Provider, c.Config, r.box)
	if err != nil {
		return "", fmt.Errorf("registry: open sms config: %w", err)
	}
	var cfg struct {
		SignName string `json:"sign_name"`
	}
	if err := json.Unmarshal(plain, &cfg); err != nil {
		return "", fmt.Errorf("registry: read sms sign name: %w", err)
	}
	return cfg.SignName, nil
}
