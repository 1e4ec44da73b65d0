package web

import "net/http"

// home sends the user to the customer list, the first section built.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/customers", http.StatusSeeOther)
}
