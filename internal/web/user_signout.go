package web

import (
	"net/http"
	"strconv"
)

// userSignOut signs a user out everywhere on their behalf: their sessions
// end and, with revoke_tokens, their API tokens are revoked.
func (h *handler) userSignOut(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	out, err := h.app.Admin.SignOutUser(r.Context(), identity(r).Policy, id, formBool(r, "revoke_tokens"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.app.Log.Info("user signed out everywhere", "user", id, "by", identity(r).User.ID,
		"sessions", out.Sessions, "tokens", out.Tokens)
	flash, next := "flash.user_signed_out", "/admin/users/"+strconv.FormatInt(id, 10)
	if out.Tokens > 0 {
		flash = "flash.user_signed_out_tokens"
	}
	if id == identity(r).User.ID { // this session has ended too
		h.app.Resolver.ClearCookie(w)
		next = "/login"
	}
	h.saved(w, r, flash, next)
}
