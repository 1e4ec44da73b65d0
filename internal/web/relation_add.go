package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// relationAdd makes a user participant or sharer of a customer (admins;
// the service says 403 to others).
func (h *handler) relationAdd(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	cv, err := h.customerByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rel := &model.Relation{CustomerID: cv.ID, Kind: model.RelationKind(r.PostFormValue("kind"))}
	if uid := formID(r, "user_id"); uid != nil {
		rel.UserID = *uid
	}
	err = h.app.Contacts.SetRelation(r.Context(), id.Policy, rel)
	ve, invalid := model.AsValidation(err)
	if err != nil && !invalid {
		h.fail(w, r, err)
		return
	}
	if !isHTMX(r) {
		if !invalid {
			setFlash(w, "flash.relation_saved")
		}
		h.redirect(w, r, "/customers/"+strconv.FormatInt(cv.ID, 10))
		return
	}
	card, err := h.peopleCard(r.Context(), id, cv)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if invalid {
		card.Form, card.Errors, status = *rel, ve, http.StatusBadRequest
	}
	h.fragment(w, r, status, "people_card", card)
}
