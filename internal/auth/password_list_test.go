package auth

import (
	"slices"
	"strings"
	"testing"
)

// TestCommonPasswordFile checks what the binary search relies on: the
// embedded list is lower-case, sorted and without duplicates, and holds a
// few thousand passwords of the minimum length or more.
func TestCommonPasswordFile(t *testing.T) {
	list := commonPasswords()
	if len(list) < 3000 {
		t.Fatalf("%d common passwords", len(list))
	}
	if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
		t.Error("the list is not sorted and unique")
	}
	for _, pw := range list {
		if pw != strings.ToLower(pw) || len([]rune(pw)) < MinPasswordLength || strings.TrimSpace(pw) != pw {
			t.Errorf("entry %q", pw)
		}
	}
}
