package api

import (
	"net/http"

	"touchbase/internal/model"
)

// relationBody is the body of POST /customers/{id}/relations.
type relationBody struct {
	UserID int64              `json:"user_id"`
	Kind   model.RelationKind `json:"kind"`
}

// listRelations lists the participants and sharers of a visible customer.
func (h *handler) listRelations(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Contacts.Relations(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// setRelation makes a user participant or sharer of a customer, replacing
// their earlier relation to it; admins only.
func (h *handler) setRelation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var in relationBody
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	rel := &model.Relation{CustomerID: id, UserID: in.UserID, Kind: in.Kind}
	if err := h.app.Contacts.SetRelation(r.Context(), policy(r), rel); err != nil {
		h.fail(w, r, err)
		return
	}
	if u, err := h.app.Admin.User(r.Context(), rel.UserID); err == nil {
		rel.UserName = u.Name()
	}
	writeJSON(w, http.StatusCreated, rel)
}

// deleteRelation removes a user's relation to a customer; admins only.
func (h *handler) deleteRelation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	userID, err := pathID(r, "user_id")
	if err == nil {
		err = h.app.Contacts.DeleteRelation(r.Context(), policy(r), id, userID)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noContent(w)
}
