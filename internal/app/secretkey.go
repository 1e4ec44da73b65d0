package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"touchbase/internal/channel"
	"touchbase/internal/channel/outbox"
)

// settingKeyFingerprint is the setting holding the fingerprint of the key
// that seals the database's provider secrets (channel.KeyFingerprint).
const settingKeyFingerprint = "secret_key.fingerprint"

// ErrWrongSecretKey is returned by CheckSecretKey when this process's key
// cannot open the database's sealed secrets.
var ErrWrongSecretKey = errors.New("wrong secret key")

// CheckSecretKey makes sure this process seals and opens provider secrets
// with the database's key. The first process on a database records its
// key's fingerprint, once the secrets stored before there was one (a
// database of an older release) open with the key; a process with another
// key is refused with what to set, instead of failing later on every
// provider call. Neither the key nor a secret is ever in the error.
func (a *App) CheckSecretKey(ctx context.Context) error {
	stored, ok, err := a.Store.Setting(ctx, settingKeyFingerprint)
	if err != nil {
		return err
	}
	if !ok {
		if err := a.openStoredSecrets(ctx); err != nil {
			return err
		}
		if stored, err = a.Store.InitSetting(ctx, settingKeyFingerprint, a.keyFingerprint); err != nil {
			return err
		}
	}
	if stored != a.keyFingerprint {
		return a.wrongKey(fmt.Sprintf("this database's secrets are sealed with the key of fingerprint %s, "+
			"this process's key has fingerprint %s", stored, a.keyFingerprint))
	}
	return nil
}

// openStoredSecrets opens every sealed secret of the channel providers.
func (a *App) openStoredSecrets(ctx context.Context) error {
	cfgs, err := a.Store.ChannelConfigs(ctx)
	if err != nil {
		return err
	}
	for kind, c := range cfgs {
		if c.Provider == outbox.Provider {
			continue
		}
		names, err := channel.SecretFields(c.Provider)
		if err != nil {
			continue // a provider this release no longer knows: nothing to open
		}
		var fields map[string]any
		if err := json.Unmarshal(c.Config, &fields); err != nil {
			continue
		}
		for _, name := range names {
			v, _ := fields[name].(string)
			if !channel.IsSealed(v) {
				continue
			}
			if _, err := a.box.Open(v); err != nil {
				return a.wrongKey(fmt.Sprintf("the %s secret of the %s channel (%s) does not open with this process's key", name, kind, c.Provider))
			}
		}
	}
	return nil
}

// wrongKey explains a key mismatch and how to fix it.
func (a *App) wrongKey(what string) error {
	from := "given by " + channel.SecretKeyEnv + "_FILE or " + channel.SecretKeyEnv
	if a.Config.SecretKey == "" {
		from = "generated in " + filepath.Join(a.Config.DataDir, channel.SecretKeyFile) + ", as no key was given"
	}
	return fmt.Errorf("%w: %s (its key was %s). Every node on one database needs the same key: "+
		"point %s_FILE at a file holding the database's key (or set %s)",
		ErrWrongSecretKey, what, from, channel.SecretKeyEnv, channel.SecretKeyEnv)
}
