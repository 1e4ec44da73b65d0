package web

import "net/http"

// tokenDelete revokes one of the user's API tokens.
func (h *handler) tokenDelete(w http.ResponseWriter, r *http.Request) {
	tokenID, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.app.Auth.RevokeAPIToken(r.Context(), identity(r).User.ID, tokenID); err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		h.saved(w, r, "flash.token_revoked", "/profile")
		return
	}
	d, err := h.profile(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	trigger(w, map[string]any{"toast": toast{Message: h.t(r, "flash.token_revoked")}})
	h.fragment(w, r, http.StatusOK, "tokens_card", d)
}
