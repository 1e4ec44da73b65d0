package channel

import (
	"encoding/json"
	"reflect"
	"strings"
)

// SecretFields returns the JSON names of the secret fields of provider's
// configuration (those tagged secret:"true").
func SecretFields(provider string) ([]string, error) {
	cfg, err := newConfig(provider)
	if err != nil {
		return nil, err
	}
	var names []string
	forEachSecret(cfg, func(name string, _ reflect.Value) { names = append(names, name) })
	return names, nil
}

// SealConfig returns cfgJSON with every non-empty secret field sealed by
// box; fields already sealed are kept. The configuration is validated
// field by field as New would decode it.
func SealConfig(provider string, cfgJSON []byte, box *SecretBox) ([]byte, error) {
	return transformSecrets(provider, cfgJSON, func(v string) (string, error) {
		if v == "" || IsSealed(v) {
			return v, nil
		}
		return box.Seal(v)
	})
}

// OpenConfig returns cfgJSON with every sealed secret field opened, ready
// for New.
func OpenConfig(provider string, cfgJSON []byte, box *SecretBox) ([]byte, error) {
	return transformSecrets(provider, cfgJSON, func(v string) (string, error) {
		if !IsSealed(v) {
			return v, nil
		}
		return box.Open(v)
	})
}

// RedactConfig returns cfgJSON with every secret field emptied, for
// display and export.
func RedactConfig(provider string, cfgJSON []byte) ([]byte, error) {
	return transformSecrets(provider, cfgJSON, func(string) (string, error) { return "", nil })
}

func transformSecrets(provider string, cfgJSON []byte, f func(string) (string, error)) ([]byte, error) {
	cfg, err := newConfig(provider)
	if err != nil {
		return nil, err
	}
	if err := decodeConfig(provider, cfgJSON, cfg); err != nil {
		return nil, err
	}
	var ferr error
	forEachSecret(cfg, func(name string, v reflect.Value) {
		if ferr != nil {
			return
		}
		out, err := f(v.String())
		if err != nil {
			ferr = &ConfigError{Provider: provider, Field: name, Problem: err.Error()}
			return
		}
		v.SetString(out)
	})
	if ferr != nil {
		return nil, ferr
	}
	return json.Marshal(cfg)
}

// forEachSecret calls f with the JSON name and settable value of each
// string field of *cfg tagged secret:"true".
func forEachSecret(cfg any, f func(name string, v reflect.Value)) {
	rv := reflect.ValueOf(cfg).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		field := rt.Field(i)
		if field.Tag.Get("secret") != "true" || field.Type.Kind() != reflect.String {
			continue
		}
		name := field.Name
		if tag := field.Tag.Get("json"); tag != "" {
			if n, _, _ := strings.Cut(tag, ","); n != "" {
				name = n
			}
		}
		f(name, rv.Field(i))
	}
}
