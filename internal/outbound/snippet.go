package outbound

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// SnippetBytes bounds the part of an answer an error detail quotes.
const SnippetBytes = 200

// Snippet is the part of an answer body an error detail may quote: a JSON
// answer cut to SnippetBytes, "" for anything else (an HTML error page, a
// service on an internal address answering what it holds).
func Snippet(h http.Header, body []byte) string {
	if !isJSON(h, body) {
		return ""
	}
	s := strings.TrimSpace(string(body))
	if len(s) <= SnippetBytes {
		return s
	}
	cut := SnippetBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Unreadable is the error detail of an answer that could not be
// understood: "unreadable answer", with its Snippet when there is one.
func Unreadable(h http.Header, body []byte) string {
	if s := Snippet(h, body); s != "" {
		return "unreadable answer: " + s
	}
	return "unreadable answer"
}

// isJSON reports a JSON answer: one that says so, or, without a media
// type, one that is valid JSON.
func isJSON(h http.Header, body []byte) bool {
	ct := h.Get("Content-Type")
	if ct == "" {
		return json.Valid(body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json")
}
