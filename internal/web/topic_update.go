package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// topicUpdate saves a topic's names, order and status.
func (h *handler) topicUpdate(w http.ResponseWriter, r *http.Request) {
	t, err := h.topicByPath(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	readTopic(r, t)
	err = h.app.Admin.UpdateTopic(r.Context(), identity(r).Policy, t)
	if ve, ok := model.AsValidation(err); ok {
		h.topicFormFailed(w, r, topicFormData{base: h.adminBase(w, r, "topics", "topic.edit_title"), Form: t, Errors: ve,
			Action: "/admin/topics/" + strconv.FormatInt(t.ID, 10)})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.saved(w, r, "flash.topic_saved", "/admin/topics")
}
