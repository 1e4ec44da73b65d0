package api

import "net/http"

// ownPasswordBody is the body of PUT /me/password.
type ownPasswordBody struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

// changeOwnPassword replaces the caller's password after checking the
// current one; every session of the caller ends (bearer tokens stay). It
// lifts an admin's requirement to change it.
func (h *handler) changeOwnPassword(w http.ResponseWriter, r *http.Request) {
	var in ownPasswordBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Admin.ChangeOwnPassword(r.Context(), identity(r).User, in.CurrentPassword, in.Password); err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
