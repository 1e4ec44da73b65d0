package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

// errorBody is the "error" member of every error answer.
type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	Fields  []fieldError `json:"fields,omitempty"`
}

// fieldError names one invalid input field.
type fieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// badRequest is a malformed request (body, path or query), answered 400.
type badRequest struct {
	code, field, message string
}

func (e *badRequest) Error() string { return e.field + ": " + e.message }

func newBadRequest(code, field, message string) error {
	return &badRequest{code: code, field: field, message: message}
}

// fail writes the answer for err: 4xx for the model's errors, 500 (logged,
// with a generic message) for anything unexpected.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badRequest
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, errorBody{Code: bad.code, Message: bad.message, Field: bad.field})
	case errors.Is(err, model.ErrConflict):
		// Conflicts wrap the FieldError naming the clashing field.
		body := errorBody{Code: "conflict", Message: "the change clashes with existing data"}
		if ve, ok := model.AsValidation(err); ok {
			body.Field, body.Message, body.Fields = ve[0].Field, ve[0].Message, fieldsOf(ve)
		}
		writeError(w, http.StatusConflict, body)
	case isValidation(err):
		ve, _ := model.AsValidation(err)
		writeError(w, http.StatusBadRequest, errorBody{Code: "validation_failed", Message: ve.Error(),
			Field: ve[0].Field, Fields: fieldsOf(ve)})
	case errors.Is(err, auth.ErrTokenExpired):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="the token has expired"`)
		writeError(w, http.StatusUnauthorized, errorBody{Code: "token_expired",
			Message: "this API token has expired; create a new one (POST /tokens or the profile page)"})
	case errors.Is(err, model.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="touchbase"`)
		writeError(w, http.StatusUnauthorized, errorBody{Code: "unauthenticated",
			Message: "a valid API token or session is required"})
	case errors.Is(err, auth.ErrBadCredentials):
		writeError(w, http.StatusUnauthorized, errorBody{Code: "bad_credentials", Message: "wrong username or password"})
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(throttled.Seconds()))
		writeError(w, http.StatusTooManyRequests, errorBody{Code: "throttled",
			Message: fmt.Sprintf("too many failed logins, try again in %d seconds", throttled.Seconds())})
	case errors.Is(err, model.ErrForbidden):
		writeError(w, http.StatusForbidden, errorBody{Code: "forbidden", Message: "you may not do this"})
	case errors.Is(err, model.ErrNotFound):
		writeError(w, http.StatusNotFound, errorBody{Code: "not_found", Message: "not found"})
	default:
		h.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, errorBody{Code: "internal", Message: "internal error"})
	}
}

func isValidation(err error) bool {
	ve, ok := model.AsValidation(err)
	return ok && len(ve) > 0
}

func fieldsOf(ve model.ValidationErrors) []fieldError {
	out := make([]fieldError, len(ve))
	for i, e := range ve {
		out[i] = fieldError{Field: e.Field, Code: e.Code, Message: e.Message}
	}
	return out
}

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n')) //nolint:errcheck // the client went away
}

// writeError writes an error answer.
func writeError(w http.ResponseWriter, status int, e errorBody) {
	writeJSON(w, status, struct {
		Error errorBody `json:"error"`
	}{e})
}

// noContent answers 204.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
