package smstemplate

import (
	"regexp"
	"strings"

	"touchbase/internal/channel"
)

// Variable syntax: Aliyun ${name}, Tencent {1}.
var (
	aliyunVar  = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	tencentVar = regexp.MustCompile(`\{([1-9][0-9]*)\}`)
)

// Templated reports whether provider sends approved templates only; the
// others (Twilio, the webhook, the outbox) send free text.
func Templated(provider string) bool {
	return provider == channel.ProviderAliyun || provider == channel.ProviderTencent
}

func varPattern(provider string) *regexp.Regexp {
	if provider == channel.ProviderTencent {
		return tencentVar
	}
	return aliyunVar
}

// Variables returns the variables of content, in the provider's syntax,
// in the order they first appear.
func Variables(provider, content string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range varPattern(provider).FindAllStringSubmatch(content, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// fill replaces every variable of content with its value.
func fill(provider, content string, values map[string]string) string {
	return varPattern(provider).ReplaceAllStringFunc(content, func(v string) string {
		return values[varPattern(provider).FindStringSubmatch(v)[1]]
	})
}

// Signed is the text a phone shows: the signature in 【】 before the text.
func Signed(sign, text string) string {
	if sign == "" {
		return text
	}
	return "【" + sign + "】" + text
}

// optOutPhrases are what carriers accept as the opt-out line of a
// marketing SMS (拒收请回复R, 回T退订, Reply STOP…).
var optOutPhrases = []string{"退订", "拒收", "回T", "回R", "回TD", "STOP", "UNSUBSCRIBE"}

// HasOptOut reports whether content tells the recipient how to opt out.
func HasOptOut(content string) bool {
	up := strings.ToUpper(content)
	for _, p := range optOutPhrases {
		if strings.Contains(up, p) {
			return true
		}
	}
	return false
}
