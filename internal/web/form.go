package web

import (
	"net/http"
	"strconv"
	"strings"
)

// pathID parses the {name} wildcard of the route as a positive id.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// formID parses a form field as an optional id: empty or invalid is nil.
func formID(r *http.Request, name string) *int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

// formBool reads a checkbox.
func formBool(r *http.Request, name string) bool {
	switch r.FormValue(name) {
	case "on", "1", "true", "yes":
		return true
	}
	return false
}

// formInt reads an integer field, def when empty or invalid.
func formInt(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue(name)))
	if err != nil {
		return def
	}
	return n
}

// safeNext returns next when it is a path on this site, else fallback, so
// a login link cannot send the user elsewhere.
func safeNext(next, fallback string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) ||
		strings.ContainsAny(next, "\r\n") {
		return fallback
	}
	return next
}

// formIDs reads a repeated field (ticked checkboxes) as positive ids,
// skipping invalid ones and duplicates.
func formIDs(r *http.Request, name string) []int64 {
	r.ParseForm() //nolint:errcheck // a malformed body reads as empty
	var ids []int64
	seen := map[int64]bool{}
	for _, v := range r.Form[name] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err == nil && id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// formValues reads a repeated field (ticked checkboxes).
func formValues(r *http.Request, name string) []string {
	r.ParseForm() //nolint:errcheck // a malformed body reads as empty
	return r.Form[name]
}
