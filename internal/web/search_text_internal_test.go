package web

import (
	"strings"
	"testing"
)

func TestSearchText(t *testing.T) {
	long := strings.Repeat("长", 250)
	for in, want := range map[string]string{
		"  acme ":      "acme",
		"ac\x00me\xff": "acme",
		long:           long[:200*len("长")],
		"\x00":         "",
		"王小明 O'Neil":   "王小明 O'Neil",
	} {
		if got := searchText(in); got != want {
			t.Errorf("searchText(%q) = %q, want %q", in, got, want)
		}
	}
}
