package web

import (
	"net/http"

	"touchbase/internal/model"
)

// topicFormData is the data of the topic dialog.
type topicFormData struct {
	base
	Form   *model.Topic
	Errors model.ValidationErrors
	Action string
}

// readTopic copies the posted fields into t.
func readTopic(r *http.Request, t *model.Topic) {
	t.Name = r.PostFormValue("name")
	t.NameEN = r.PostFormValue("name_en")
	t.SortOrder = formInt(r, "sort_order", t.SortOrder)
	t.Active = formBool(r, "active")
}

// topicFormFailed shows the topic form again with its errors.
func (h *handler) topicFormFailed(w http.ResponseWriter, r *http.Request, d topicFormData) {
	h.formFailed(w, r, "topic_form.html", "topic_form", "topic-form", d)
}
