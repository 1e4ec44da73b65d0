package web

import (
	"net/http"

	"touchbase/internal/model"
)

// topicListData is the data of the topics page.
type topicListData struct {
	base
	Topics []*model.Topic
}

// topicList lists every contact topic, retired ones included.
func (h *handler) topicList(w http.ResponseWriter, r *http.Request) {
	topics, err := h.app.Admin.Topics(r.Context(), false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_topics.html", topicListData{base: h.adminBase(w, r, "topics", "admin.topics"), Topics: topics})
}
