package web

import "net/http"

// profileSignOut ends every session of the signed-in user, this one
// included, and with revoke_tokens revokes their API tokens; the browser
// goes to the login page.
func (h *handler) profileSignOut(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	out, err := h.app.Auth.SignOutEverywhere(r.Context(), id.User.ID, formBool(r, "revoke_tokens"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.app.Log.Info("signed out everywhere", "user", id.User.ID, "sessions", out.Sessions, "tokens", out.Tokens)
	h.app.Resolver.ClearCookie(w)
	flash := "flash.signed_out_everywhere"
	if out.Tokens > 0 {
		flash = "flash.signed_out_everywhere_tokens"
	}
	h.saved(w, r, flash, "/login")
}
