package model

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Errors shared across layers. Handlers map them to HTTP status codes.
var (
	// ErrNotFound means the object does not exist or the user may not see it.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the user may see the object but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the change clashes with existing data (duplicate key…).
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated means no valid session or token was presented.
	ErrUnauthenticated = errors.New("unauthenticated")
)

// FieldError is a validation failure of one input field. Code is a stable
// identifier (translated by the UI), Message an English fallback.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// NewFieldError returns a FieldError.
func NewFieldError(field, code, message string) *FieldError {
	return &FieldError{Field: field, Code: code, Message: message}
}

// ValidationErrors collects every field error of one input.
type ValidationErrors []*FieldError

func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Add appends a field error.
func (v *ValidationErrors) Add(field, code, message string) {
	*v = append(*v, NewFieldError(field, code, message))
}

// Err returns nil when empty, else the collection itself.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// For returns the first error of a field, or nil.
func (v ValidationErrors) For(field string) *FieldError {
	for _, e := range v {
		if e.Field == field {
			return e
		}
	}
	return nil
}

// AsValidation extracts field errors from err, if it carries any.
func AsValidation(err error) (ValidationErrors, bool) {
	var ve ValidationErrors
	if errors.As(err, &ve) {
		return ve, true
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return ValidationErrors{fe}, true
	}
	return nil, false
}

// Text checks one text field: present when required, at most maxLen
// characters, valid UTF-8 without NUL characters (which PostgreSQL refuses).
func (v *ValidationErrors) Text(field, s string, required bool, maxLen int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "required", field+" is required")
	case !IsText(s):
		v.Add(field, "invalid_text", field+" contains invalid characters")
	case utf8.RuneCountInString(s) > maxLen:
		v.Add(field, "too_long", field+" is too long")
	}
}
