package auth

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"

	"touchbase/internal/model"
)

// commonPasswordFile holds the passwords refused as too common, lower-case
// and sorted, one a line (wordlist/NOTICE.md says where they come from).
//
//go:embed wordlist/common-passwords.txt
var commonPasswordFile string

// commonPasswords is the list, split once; its strings share the embedded
// file's bytes.
var commonPasswords = sync.OnceValue(func() []string {
	return strings.Split(strings.TrimSuffix(commonPasswordFile, "\n"), "\n")
})

// IsCommonPassword reports whether password, in any case, is one of the
// most common passwords.
func IsCommonPassword(password string) bool {
	_, found := slices.BinarySearch(commonPasswords(), strings.ToLower(password))
	return found
}

// CheckNewPassword tells whether password may become the password of the
// account username. It returns nil or a *model.FieldError of the field
// "password": too_short (under MinPasswordLength characters),
// common_password (on the list of common passwords, in any case) or
// same_as_username (the username itself, reversed, or followed by digits,
// in any case).
func CheckNewPassword(username, password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return model.NewFieldError("password", "too_short", "password must have at least 8 characters")
	}
	if IsCommonPassword(password) {
		return model.NewFieldError("password", "common_password", "this password is one of the most common ones; choose another")
	}
	if sameAsUsername(username, password) {
		return model.NewFieldError("password", "same_as_username", "the password must not be the username")
	}
	return nil
}

// sameAsUsername reports whether password is username, username reversed,
// or username followed by nothing but digits, ignoring case.
func sameAsUsername(username, password string) bool {
	name, pw := strings.ToLower(strings.TrimSpace(username)), strings.ToLower(password)
	if name == "" {
		return false
	}
	r := []rune(name)
	slices.Reverse(r)
	if pw == name || pw == string(r) {
		return true
	}
	rest, ok := strings.CutPrefix(pw, name)
	return ok && strings.IndexFunc(rest, func(c rune) bool { return !unicode.IsDigit(c) }) < 0
}
