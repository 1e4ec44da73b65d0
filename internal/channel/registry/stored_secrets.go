package registry

import (
	"context"
	"encoding/json"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
)

// StoredSecrets returns, for each kind with a configured provider, the
// names of the secret fields that hold a (sealed) value, so a settings form
// can say a secret is set and may be left blank to keep it. The secrets
// themselves are never returned.
func (r *Registry) StoredSecrets(ctx context.Context) (map[channel.Kind]map[string]bool, error) {
	cfgs, err := r.store.ChannelConfigs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[channel.Kind]map[string]bool{}
	for _, k := range Kinds {
		c, ok := cfgs[string(k)]
		if !ok || c.Provider == outbox.Provider {
			continue
		}
		names, err := channel.SecretFields(c.Provider)
		if err != nil {
			continue
		}
		var stored map[string]any
		if err := json.Unmarshal(c.Config, &stored); err != nil {
			continue
		}
		set := map[string]bool{}
		for _, n := range names {
			if v, _ := stored[n].(string); v != "" {
				set[n] = true
			}
		}
		out[k] = set
	}
	return out, nil
}
