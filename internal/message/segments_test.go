package message

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	zh := func(n int) string { return strings.Repeat("好", n) }
	for _, tc := range []struct {
		name     string
		text     string
		encoding string
		chars    int
		segments int
	}{
		{"empty", "", EncodingGSM7, 0, 0},
		{"hello", "Hello, world!", EncodingGSM7, 13, 1},
		{"exactly 160", a(160), EncodingGSM7, 160, 1},
		{"161", a(161), EncodingGSM7, 161, 2},
		{"306 = 2×153", a(306), EncodingGSM7, 306, 2},
		{"307", a(307), EncodingGSM7, 307, 3},
		{"euro counts 2", "€", EncodingGSM7, 2, 1},
		{"extension chars", "^{}[]~|\\", EncodingGSM7, 16, 1},
		{"form feed is extension", "\f", EncodingGSM7, 2, 1},
		{"159 + euro", a(159) + "€", EncodingGSM7, 161, 2},
		{"158 + euro = 160", a(158) + "€", EncodingGSM7, 160, 1},
		{"escape not split across parts", a(152) + "€" + a(152), EncodingGSM7, 306, 3},
		{"basic non-ASCII", "£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà@$", EncodingGSM7, 42, 1},
		{"line breaks", "a\nb\r\n", EncodingGSM7, 5, 1},
		{"lower-case c cedilla is not GSM", "ç", EncodingUCS2, 1, 1},
		{"backtick is not GSM", "`", EncodingUCS2, 1, 1},
		{"tab is not GSM", "a\tb", EncodingUCS2, 3, 1},
		{"Chinese", "您好，张先生", EncodingUCS2, 6, 1},
		{"exactly 70", zh(70), EncodingUCS2, 70, 1},
		{"71", zh(71), EncodingUCS2, 71, 2},
		{"134 = 2×67", zh(134), EncodingUCS2, 134, 2},
		{"135", zh(135), EncodingUCS2, 135, 3},
		{"one Chinese char makes all UCS-2", a(69) + "好", EncodingUCS2, 70, 1},
		{"emoji counts 2", "😀", EncodingUCS2, 2, 1},
		{"35 emoji = 70 units", strings.Repeat("😀", 35), EncodingUCS2, 70, 1},
		{"36 emoji", strings.Repeat("😀", 36), EncodingUCS2, 72, 2},
		{"surrogate pair not split across parts", zh(66) + "😀" + zh(66), EncodingUCS2, 134, 3},
		{"euro with Chinese is 1 unit", "€好", EncodingUCS2, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, chars, segs := Segments(tc.text)
			if enc != tc.encoding || chars != tc.chars || segs != tc.segments {
				t.Errorf("Segments = %s, %d, %d; want %s, %d, %d", enc, chars, segs, tc.encoding, tc.chars, tc.segments)
			}
		})
	}
}

// FuzzSegments checks that counting never panics, is stable and respects
// the segment arithmetic.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "hello", strings.Repeat("a", 161), "€^{}", "您好", "😀", "\xff\xfe", strings.Repeat("好", 71) + "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		enc, chars, segs := Segments(text)
		enc2, chars2, segs2 := Segments(text)
		if enc != enc2 || chars != chars2 || segs != segs2 {
			t.Fatal("unstable result")
		}
		if text == "" {
			if chars != 0 || segs != 0 {
				t.Fatalf("empty text: %d, %d", chars, segs)
			}
			return
		}
		single, per := 160, 153
		switch enc {
		case EncodingGSM7:
			if chars < utf8.RuneCountInString(text) || chars > 2*utf8.RuneCountInString(text) {
				t.Fatalf("GSM-7 septets %d for %d characters", chars, utf8.RuneCountInString(text))
			}
		case EncodingUCS2:
			single, per = 70, 67
			if want := len(utf16.Encode([]rune(text))); chars != want {
				t.Fatalf("UCS-2 units %d, want %d", chars, want)
			}
		default:
			t.Fatalf("encoding %q", enc)
		}
		switch {
		case chars <= single && segs != 1:
			t.Fatalf("%d units in %d segments", chars, segs)
		case chars > single && (segs < (chars+per-1)/per || segs > chars/(per-1)+1):
			t.Fatalf("%d units in %d segments", chars, segs)
		}
	})
}
