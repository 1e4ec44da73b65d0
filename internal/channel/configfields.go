package channel

import (
	"reflect"
	"strings"
)

// ConfigFields returns the JSON names of every field of provider's
// configuration, in declaration order, so callers can name an unknown field
// before handing the configuration to New.
func ConfigFields(provider string) ([]string, error) {
	cfg, err := newConfig(provider)
	if err != nil {
		return nil, err
	}
	rt := reflect.TypeOf(cfg).Elem()
	names := make([]string, 0, rt.NumField())
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag := f.Tag.Get("json"); tag != "" {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		names = append(names, name)
	}
	return names, nil
}
