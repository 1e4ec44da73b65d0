package reply

import (
	"strings"
	"unicode"
)

// phrases opt out wherever they appear in a short reply ("我要退订"),
// whatever the configured keywords: carriers require both to work.
var phrases = []string{"退订", "拒收"}

// shortReply is the longest reply, in letters, a phrase is looked for in:
// a longer message that mentions 退订 is a conversation, not an opt-out.
const shortReply = 12

// Fold is the form replies and keywords are compared in: letters and
// digits only, upper case.
func Fold(text string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsOptOut reports whether text is an opt-out reply: the whole reply is
// one of keywords, or a short reply holds 退订 or 拒收.
func IsOptOut(text string, keywords []string) bool {
	word := Fold(text)
	if word == "" {
		return false
	}
	for _, k := range keywords {
		if word == Fold(k) {
			return true
		}
	}
	if len([]rune(word)) > shortReply {
		return false
	}
	for _, p := range phrases {
		if strings.Contains(word, p) {
			return true
		}
	}
	return false
}
