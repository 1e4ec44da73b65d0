package model

import "testing"

func TestTextOnlyKeepsWhatIsTextAccepts(t *testing.T) {
	for in, want := range map[string]string{"王芳": "王芳", "a\x00b": "ab", "x\xffy": "xy", "\x00\xfe": "", "": ""} {
		got := TextOnly(in)
		if got != want || !IsText(got) {
			t.Errorf("TextOnly(%q) = %q, want %q", in, got, want)
		}
		if IsText(in) != (in == want) {
			t.Errorf("IsText(%q) = %v", in, IsText(in))
		}
	}
}
