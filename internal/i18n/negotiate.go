package i18n

import "golang.org/x/text/language"

// tags are Languages as language tags, in the same order.
var tags = []language.Tag{language.SimplifiedChinese, language.English}

var matcher = language.NewMatcher(tags)

// Negotiate picks the UI language: preference when it is supported (a
// user's saved choice or a language cookie), else the best match of the
// Accept-Language header, else Default.
func Negotiate(preference, acceptLanguage string) string {
	if Supported(preference) {
		return preference
	}
	if acceptLanguage == "" {
		return Default
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(prefs...)
	if conf == language.No {
		return Default
	}
	return Languages[i]
}
