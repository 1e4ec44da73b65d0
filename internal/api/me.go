package api

import (
	"net/http"

	"touchbase/internal/model"
)

// meResponse is the caller's account, how they authenticated and, for
// cookie sessions, the CSRF token their changes must carry; for bearer
// calls, the token (its scope and expiry).
type meResponse struct {
	*model.User
	Auth      string          `json:"auth"`
	CSRFToken string          `json:"csrf_token,omitempty"`
	Token     *model.APIToken `json:"token,omitempty"`
}

// me returns the caller.
func (h *handler) me(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	out := meResponse{User: id.User, Auth: "bearer", Token: id.Token}
	if !id.Bearer && id.Session != nil {
		out.Auth, out.CSRFToken = "session", id.Session.CSRFToken
	}
	writeJSON(w, http.StatusOK, out)
}
