package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"touchbase/internal/model"
)

// decode reads the body as one JSON object into dst, a pointer to a body
// struct already holding the defaults (create, PUT) or the current values
// (PATCH): only the fields present in the JSON change. Unknown fields, wrong
// types, invalid UTF-8, NUL characters, trailing data and bodies over
// maxBody are 400s naming the field where one can be told.
func decode(r *http.Request, dst any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newBadRequest("body_too_large", "", fmt.Sprintf("the body is larger than %d bytes", maxBody))
		}
		return newBadRequest("invalid_body", "", "the body could not be read")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return newBadRequest("empty_body", "", "a JSON object is required")
	}
	if !utf8.Valid(data) {
		off := int64(len(data))
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				off = int64(i)
				break
			}
			i += size
		}
		return newBadRequest("invalid_utf8", fieldAt(data, off), "the body is not valid UTF-8")
	}
	if trimmed[0] != '{' {
		return newBadRequest("invalid_json", "", "the body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(data, err, reflect.TypeOf(dst).Elem())
	}
	if _, err := dec.Token(); err != io.EOF {
		return newBadRequest("invalid_json", "", "unexpected data after the JSON object")
	}
	return checkText(dst)
}

// decodeOptional is decode for a body that may be left out: an empty
// body keeps dst as it is.
func decodeOptional(r *http.Request, dst any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return decode(&http.Request{Body: io.NopCloser(errReader{err})}, dst)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return decode(r, dst)
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// decodeError turns an encoding/json error into a badRequest; t is the
// body struct.
func decodeError(data []byte, err error, t reflect.Type) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return newBadRequest("invalid_json", fieldAt(data, syn.Offset),
			fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, syn.Error()))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return newBadRequest("invalid_json", fieldAt(data, int64(len(data))), "the JSON body ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		for i := range t.NumField() { // embedded structs are not part of the JSON name
			if f := t.Field(i); f.Anonymous {
				field = strings.TrimPrefix(field, f.Name+".")
			}
		}
		return newBadRequest("invalid_type", field, fmt.Sprintf("%s must be %s, not %s", field, jsonType(typ.Type), typ.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return newBadRequest("unknown_field", name, "unknown field "+strconv.Quote(name))
	}
	return newBadRequest("invalid_json", "", err.Error())
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// fieldAt returns the top-level member of the JSON object in data whose
// value spans byte offset off, or "" when none can be told.
func fieldAt(data []byte, off int64) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, key, wantKey := 0, "", false
	for dec.InputOffset() < off {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
				if depth == 1 {
					wantKey = v == '{'
				}
				continue
			}
			depth--
			if depth == 1 {
				wantKey = true
			}
		case string:
			if depth == 1 && wantKey {
				key, wantKey = v, false
				continue
			}
			if depth == 1 {
				wantKey = true
			}
		default:
			if depth == 1 {
				wantKey = true
			}
		}
	}
	return key
}

// checkText rejects NUL characters in the string fields of a body struct,
// nested objects included (named "sms.text"): PostgreSQL cannot store them
// and no field needs them.
func checkText(dst any) error {
	v := reflect.ValueOf(dst).Elem()
	return checkTextValue(v, "")
}

func checkTextValue(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct {
			if err := checkTextValue(fv, prefix); err != nil {
				return err
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if fv.Kind() == reflect.Pointer && !fv.IsNil() {
			fv = fv.Elem()
		}
		switch fv.Kind() {
		case reflect.String:
			if strings.ContainsRune(fv.String(), 0) {
				return newBadRequest("invalid_text", prefix+name, prefix+name+" contains a NUL character")
			}
		case reflect.Struct:
			if fv.Type().PkgPath() == t.PkgPath() { // our own body structs, not time.Time
				if err := checkTextValue(fv, prefix+name+"."); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// pathID parses the path wildcard name as a positive integer id.
func pathID(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, newBadRequest("invalid_id", name, name+" must be a positive integer, not "+strconv.Quote(s))
	}
	return id, nil
}

// pathText returns a text path wildcard, rejecting invalid UTF-8 and NUL.
func pathText(r *http.Request, name string) (string, error) {
	s := r.PathValue(name)
	if !model.IsText(s) {
		return "", newBadRequest("invalid_parameter", name, name+" must be valid text")
	}
	return s, nil
}

// queryInt parses an optional integer query parameter within [lo, hi].
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, newBadRequest("invalid_parameter", name, fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi))
	}
	return n, nil
}

// queryID parses an optional positive id query parameter (0 when absent).
func queryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, newBadRequest("invalid_parameter", name, name+" must be a positive integer")
	}
	return id, nil
}

// queryBool parses an optional boolean query parameter (false when absent).
func queryBool(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, newBadRequest("invalid_parameter", name, name+" must be true or false")
	}
	return b, nil
}

// queryText returns an optional text query parameter, rejecting invalid
// UTF-8, NUL characters and values over 200 characters.
func queryText(r *http.Request, name string) (string, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if !model.IsText(s) || utf8.RuneCountInString(s) > 200 {
		return "", newBadRequest("invalid_parameter", name, name+" must be valid text of at most 200 characters")
	}
	return s, nil
}

// list is the envelope of every list answer.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// listOf wraps a complete list.
func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: len(items)}
}

// clone returns a copy of *p, so decoding into it leaves the original alone.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
