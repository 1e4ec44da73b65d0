package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	"touchbase/internal/i18n"
)

// Cookies of the web UI besides the session cookie.
const (
	flashCookie = "touchbase_flash"
	langCookie  = "touchbase_lang"
)

// setFlash leaves a one-time message (a catalog key) for the next page.
func setFlash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 60, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the translated flash message, if any, and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request, lang string) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	if !i18n.Has(lang, c.Value) {
		return ""
	}
	return i18n.T(lang, c.Value)
}

// toast is the detail of the "toast" event app.js shows.
type toast struct {
	Message string `json:"message"`
	Kind    string `json:"kind,omitempty"`
	Link    string `json:"link,omitempty"` // a page the toast opens`
}

// trigger sets the HX-Trigger header to fire events on the page. Header
// values must be ASCII, so non-ASCII text is written as JSON \u escapes.
func trigger(w http.ResponseWriter, events map[string]any) {
	b, err := json.Marshal(events)
	if err != nil {
		return
	}
	w.Header().Set("HX-Trigger", asciiJSON(b))
}

func asciiJSON(b []byte) string {
	var out bytes.Buffer
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r < utf8.RuneSelf:
			out.WriteByte(b[0])
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
		b = b[n:]
	}
	return out.String()
}
