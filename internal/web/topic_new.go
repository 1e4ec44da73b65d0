package web

import (
	"net/http"

	"touchbase/internal/model"
)

// topicNew shows the dialog creating a topic, placed after the others.
func (h *handler) topicNew(w http.ResponseWriter, r *http.Request) {
	topics, err := h.app.Admin.Topics(r.Context(), false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t := &model.Topic{Active: true, SortOrder: 10}
	if n := len(topics); n > 0 {
		t.SortOrder = topics[n-1].SortOrder + 10
	}
	d := topicFormData{base: h.adminBase(w, r, "topics", "topic.new_title"), Form: t, Action: "/admin/topics"}
	h.view(w, r, http.StatusOK, "topic_form.html", "topic_dialog", d)
}
