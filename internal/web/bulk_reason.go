package web

import (
	"touchbase/internal/channel"
	"touchbase/internal/i18n"
)

// bulkReasonText translates why a bulk recipient was skipped or failed:
// the catalog's skip reasons (opted_out, do_not_contact, no_address,
// duplicate, cancelled, outcome_unknown), per channel when the catalog
// says it more precisely ("no mobile number"), else a provider's reason.
func bulkReasonText(lang, kind, code string) string {
	for _, key := range []string{"bulkreason." + kind + "." + code, "bulkreason." + code} {
		if i18n.Has(lang, key) {
			return i18n.T(lang, key)
		}
	}
	return channel.ReasonText(code, lang)
}
