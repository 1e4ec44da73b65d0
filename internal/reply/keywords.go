package reply

import (
	"strings"
	"unicode"
)

// Keywords are the replies carriers and customers use to opt out of SMS:
// the whole reply, letters in any case, spaces and punctuation aside.
var Keywords = []string{"R", "T", "TD", "N", "退订", "拒收", "STOP", "UNSUBSCRIBE", "取消订阅"}

// phrases opt out wherever they appear in a short reply ("我要退订").
var phrases = []string{"退订", "拒收"}

// shortReply is the longest reply, in letters, a phrase is looked for in:
// a longer message that mentions 退订 is a conversation, not an opt-out.
const shortReply = 12

// IsOptOut reports whether text is an opt-out reply.
func IsOptOut(text string) bool {
	var b strings.Builder
	for _, r := range strings.ToUpper(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	word := b.String()
	for _, k := range Keywords {
		if word == k {
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
