package web

import (
	"net/http"
	"strconv"
)

// relationDelete removes a participant or sharer from a customer (admins).
func (h *handler) relationDelete(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	userID, ok := pathID(r, "userID")
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.app.Contacts.DeleteRelation(r.Context(), id.Policy, cv.ID, userID); err != nil {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		setFlash(w, "flash.relation_removed")
		h.redirect(w, r, "/customers/"+strconv.FormatInt(cv.ID, 10))
		return
	}
	card, err := h.peopleCard(r.Context(), id, cv)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.fragment(w, r, http.StatusOK, "people_card", card)
}
