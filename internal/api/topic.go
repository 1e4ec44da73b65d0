package api

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// topicBody holds the writable fields of a topic.
type topicBody struct {
	Name      string `json:"name"`
	NameEN    string `json:"name_en"`
	SortOrder int    `json:"sort_order"`
	Active    bool   `json:"active"`
}

func (b topicBody) apply(t *model.Topic) {
	t.Name, t.NameEN, t.SortOrder, t.Active = b.Name, b.NameEN, b.SortOrder, b.Active
}

// listTopics lists topics in their order; active=true hides retired ones.
func (h *handler) listTopics(w http.ResponseWriter, r *http.Request) {
	activeOnly, err := queryBool(r, "active")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.app.Admin.Topics(r.Context(), activeOnly)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listOf(items))
}

// getTopic returns one topic.
func (h *handler) getTopic(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTopic(w, r, http.StatusOK, id)
}

func (h *handler) respondTopic(w http.ResponseWriter, r *http.Request, status int, id int64) {
	t, err := h.app.Admin.Topic(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/topics/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, t)
}

// createTopic adds a topic; admins only.
func (h *handler) createTopic(w http.ResponseWriter, r *http.Request) {
	in := topicBody{Active: true}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t := &model.Topic{}
	in.apply(t)
	if err := h.app.Admin.CreateTopic(r.Context(), policy(r), t); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTopic(w, r, http.StatusCreated, t.ID)
}

// replaceTopic is PUT: every writable field is set from the body.
func (h *handler) replaceTopic(w http.ResponseWriter, r *http.Request) { h.updateTopic(w, r, false) }

// patchTopic is PATCH: only the fields in the body change.
func (h *handler) patchTopic(w http.ResponseWriter, r *http.Request) { h.updateTopic(w, r, true) }

func (h *handler) updateTopic(w http.ResponseWriter, r *http.Request, partial bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur, err := h.app.Admin.Topic(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := topicBody{Active: true}
	if partial {
		in = topicBody{Name: cur.Name, NameEN: cur.NameEN, SortOrder: cur.SortOrder, Active: cur.Active}
	}
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	t := *cur
	in.apply(&t)
	if err := h.app.Admin.UpdateTopic(r.Context(), policy(r), &t); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondTopic(w, r, http.StatusOK, id)
}
