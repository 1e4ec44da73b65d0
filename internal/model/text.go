package model

import (
	"strings"
	"unicode/utf8"
)

// IsText reports whether s is text every store keeps: valid UTF-8 without
// NUL characters (which PostgreSQL refuses).
func IsText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// TextOnly drops from s what IsText refuses: NUL characters and invalid
// bytes.
func TextOnly(s string) string { return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "") }
