// Package i18n holds Touchbase's user-interface message catalogs (zh-CN and
// en) and picks the language of a request: the user's preference, else the
// browser's Accept-Language, else Simplified Chinese.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Languages the UI speaks.
const (
	ZhCN = "zh-CN"
	EN   = "en"
)

// Default is the language used when nothing else decides.
const Default = ZhCN

// Languages lists the supported languages, the default first.
var Languages = []string{ZhCN, EN}

//go:embed locales/*.json
var files embed.FS

// catalogs maps a language to its messages. It is read-only after load.
var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	out, err := load()
	if err != nil {
		panic(err)
	}
	return out
}

func load() (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(Languages))
	for _, lang := range Languages {
		b, err := files.ReadFile(path.Join("locales", lang+".json"))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: locales/%s.json: %w", lang, err)
		}
		out[lang] = m
	}
	return out, nil
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// T returns the message key in lang, formatted with args (fmt verbs). An
// unknown language falls back to Default; an unknown key is returned as is,
// so a missing translation shows up on the page and in tests.
func T(lang, key string, args ...any) string {
	m, ok := catalogs[lang]
	if !ok {
		m = catalogs[Default]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Label returns the message prefix+code in lang: how a stored code (a
// channel, a status) reads to a person. An empty code is empty; a code the
// catalogue does not word is returned as is.
func Label(lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	if !Has(Default, prefix+code) {
		return code
	}
	return T(lang, prefix+code)
}

// Headings returns the messages prefix+name for each of names, in lang: the
// heading row of an export whose columns are named names.
func Headings(lang, prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = T(lang, prefix+n)
	}
	return out
}

// Has reports whether the catalog of lang holds key.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Keys returns the sorted keys of lang's catalog.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// KeysWithPrefix returns the sorted keys of lang's catalog that start with
// prefix.
func KeysWithPrefix(lang, prefix string) []string {
	var out []string
	for _, k := range Keys(lang) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}
