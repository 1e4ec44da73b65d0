package web

import (
	"net/http"

	"touchbase/internal/i18n"
)

// t translates a catalog key into the language of the request.
func (h *handler) t(r *http.Request, key string, args ...any) string {
	return i18n.T(h.lang(r), key, args...)
}
