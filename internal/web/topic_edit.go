package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// topicByPath loads the topic named by the {id} wildcard.
func (h *handler) topicByPath(r *http.Request) (*model.Topic, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return nil, model.ErrNotFound
	}
	return h.app.Admin.Topic(r.Context(), id)
}

// topicEdit shows the dialog renaming, reordering or retiring a topic.
func (h *handler) topicEdit(w http.ResponseWriter, r *http.Request) {
	t, err := h.topicByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := topicFormData{base: h.adminBase(w, r, "topics", "topic.edit_title"), Form: t,
		Action: "/admin/topics/" + strconv.FormatInt(t.ID, 10)}
	h.view(w, r, http.StatusOK, "topic_form.html", "topic_dialog", d)
}
