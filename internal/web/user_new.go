package web

import (
	"net/http"

	"touchbase/internal/model"
)

// userNew shows the dialog creating a user.
func (h *handler) userNew(w http.ResponseWriter, r *http.Request) {
	d, err := h.userForm(r.Context(), userFormData{base: h.adminBase(w, r, "users", "user.new_title"),
		Form: &model.User{Role: model.RoleAgent, Active: true, Timezone: "Asia/Shanghai"}, Action: "/admin/users"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.view(w, r, http.StatusOK, "user_new.html", "user_dialog", d)
}
