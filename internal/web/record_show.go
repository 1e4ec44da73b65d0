package web

import (
	"net/http"

	"touchbase/internal/model"
)

// recordData is the data of a record's page.
type recordData struct {
	base
	Record *model.Record
	Topics []*model.Topic
}

// recordShow shows one record with everything it holds: what was said,
// the content sent, the provider and its message id, the topics and the
// address it went to. A record of a customer the user may not see is a 404.
func (h *handler) recordShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	rec, err := h.app.Records.Get(r.Context(), identity(r).Policy, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	topics, err := h.topicIndex(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := recordData{base: h.base(w, r, "records", "record.title"), Record: rec, Topics: topics.Of(rec.TopicIDs)}
	if rec.Title != "" {
		d.Title = rec.Title
	}
	h.render(w, r, http.StatusOK, "record.html", d)
}
