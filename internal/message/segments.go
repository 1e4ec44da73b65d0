package message

import "strings"

// SMS encodings reported by Segments.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Segment sizes (3GPP TS 23.038 / 23.040): a single SMS holds 160 GSM-7
// septets or 70 UCS-2 code units; a concatenated one loses room to the
// user data header and holds 153 septets or 67 code units per part.
const (
	gsm7Single = 160
	gsm7Part   = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsm7Basic holds the non-ASCII characters of the GSM 03.38 default
// alphabet; gsm7Extension the characters reached through the escape
// (they take two septets).
const (
	gsm7BasicNonASCII = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"
	gsm7Extension     = "\f^{}\\[~]|€"
)

// gsm7Cost returns the septets r takes in GSM-7, or 0 when r is not in the
// default alphabet or its extension table.
func gsm7Cost(r rune) int {
	switch {
	case strings.ContainsRune(gsm7Extension, r):
		return 2
	case r == '\n' || r == '\r' || r >= 0x20 && r < 0x7f && r != '`':
		return 1
	case r >= 0x80 && strings.ContainsRune(gsm7BasicNonASCII, r):
		return 1
	}
	return 0
}

// Segments returns how text travels as SMS: its encoding ("GSM-7" when
// every character is in the GSM 03.38 default alphabet or its extension
// table, "UCS-2" otherwise), its length in that encoding's units (septets,
// extension characters counting 2; or UTF-16 code units, characters beyond
// the BMP such as emoji counting 2) and the number of messages it is split
// into. Parts of a concatenated message are filled without splitting an
// escape sequence or a surrogate pair, as handsets do, so the count can
// exceed length/153 (or /67). Empty text is 0 characters, 0 segments.
func Segments(text string) (encoding string, chars int, segments int) {
	gsm := true
	for _, r := range text {
		if gsm7Cost(r) == 0 {
			gsm = false
			break
		}
	}
	if gsm {
		chars, segments = pack(text, gsm7Cost, gsm7Single, gsm7Part)
		return EncodingGSM7, chars, segments
	}
	chars, segments = pack(text, ucs2Cost, ucs2Single, ucs2Part)
	return EncodingUCS2, chars, segments
}

// ucs2Cost returns the UTF-16 code units of r.
func ucs2Cost(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// pack counts the units of text and the parts they fill.
func pack(text string, cost func(rune) int, single, per int) (units, parts int) {
	for _, r := range text {
		units += cost(r)
	}
	switch {
	case units == 0:
		return 0, 0
	case units <= single:
		return units, 1
	}
	fill := 0
	parts = 1
	for _, r := range text {
		c := cost(r)
		if fill+c > per {
			parts++
			fill = 0
		}
		fill += c
	}
	return units, parts
}
