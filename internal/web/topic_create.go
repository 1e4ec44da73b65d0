package web

import (
	"net/http"

	"touchbase/internal/model"
)

// topicCreate adds a contact topic.
func (h *handler) topicCreate(w http.ResponseWriter, r *http.Request) {
	t := &model.Topic{}
	readTopic(r, t)
	err := h.app.Admin.CreateTopic(r.Context(), identity(r).Policy, t)
	if ve, ok := model.AsValidation(err); ok {
		h.topicFormFailed(w, r, topicFormData{base: h.adminBase(w, r, "topics", "topic.new_title"), Form: t, Errors: ve,
			Action: "/admin/topics"})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.topic_created", "/admin/topics")
}
