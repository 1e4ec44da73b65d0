package notify

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"touchbase/internal/model"
)

// Message is a notification as its sender writes it, already in the
// recipient's language.
type Message struct {
	// Kind is one of the model.Notify* kinds, or another lower-case word.
	Kind  string
	Title string
	Body  string
	// Link is a relative URL in the web UI ("/bulk/12"), or empty.
	Link string
	// Data is marshalled to JSON for clients (nil: {}); a json.RawMessage
	// is kept as is and must be valid.
	Data any
	// DedupeKey, when set, makes a second Notify with the same key for the
	// same user fail with ErrDuplicate instead of notifying twice.
	DedupeKey string
}

// Limits of a notification's text; longer titles and bodies are cut.
const (
	maxTitle = 300
	maxBody  = 4000
	maxLink  = 500
)

// notification validates m and returns the notification it makes for user.
func (m Message) notification(userID int64) (*model.Notification, error) {
	var errs model.ValidationErrors
	if !validKind(m.Kind) {
		errs.Add("kind", "invalid", "kind must be 1 to 40 lower-case letters or underscores")
	}
	title := cut(clean(m.Title), maxTitle)
	if title == "" {
		errs.Add("title", "required", "a notification needs a title")
	}
	if !validLink(m.Link) {
		errs.Add("link", "invalid", "link must be a relative URL starting with /")
	}
	var data []byte
	switch d := m.Data.(type) {
	case nil:
	case json.RawMessage:
		if len(d) > 0 && !json.Valid(d) {
			errs.Add("data", "invalid", "data is not valid JSON")
		}
		data = d
	default:
		var err error
		if data, err = json.Marshal(d); err != nil {
			errs.Add("data", "invalid", err.Error())
		}
	}
	if len(m.DedupeKey) > 200 {
		errs.Add("dedupe_key", "too_long", "dedupe key is longer than 200 bytes")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &model.Notification{UserID: userID, Kind: m.Kind, Title: title, Body: cut(clean(m.Body), maxBody),
		Link: m.Link, Data: data, DedupeKey: m.DedupeKey}, nil
}

func validKind(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// validLink accepts "" or a path on this site: "/…" but not "//host" nor
// anything with a scheme, backslash or control character.
func validLink(l string) bool {
	if l == "" {
		return true
	}
	if len(l) > maxLink || !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") || strings.ContainsRune(l, '\\') {
		return false
	}
	for _, r := range l {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// clean makes s valid UTF-8 without NUL characters (which PostgreSQL
// refuses), trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
}

// cut shortens s to at most n runes, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
