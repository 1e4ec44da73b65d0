package web

import (
	"slices"
	"strings"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// optOutNote says when and by what an opt-out was set:
// "已退订 · 2026-12-06 14:02 · 邮件退订链接". Opt-outs set before either was
// kept say only "已退订".
func optOutNote(lang string, at *time.Time, source string, loc *time.Location) string {
	parts := []string{i18n.T(lang, "optout.done")}
	if at != nil {
		parts = append(parts, formatTime(*at, loc))
	}
	if slices.Contains(model.OptOutSources, source) {
		parts = append(parts, i18n.T(lang, "optout.source."+source))
	}
	return strings.Join(parts, " · ")
}
