package web

import (
	"errors"
	"net/http"
	"strconv"

	"touchbase/internal/model"
)

// bulkCancel stops a scheduled or running send: its recipients not yet
// sent are skipped as cancelled. Only its operator or an admin may.
func (h *handler) bulkCancel(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_cancelled", func(id int64) error {
		return h.app.Bulk.Cancel(r.Context(), identity(r).Policy, id)
	})
}

// bulkRetry sends again to the recipients that failed.
func (h *handler) bulkRetry(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_retried", func(id int64) error {
		_, err := h.app.Bulk.RetryFailed(r.Context(), identity(r).Policy, id)
		return err
	})
}

// bulkPause stops a running send after the messages on their way.
func (h *handler) bulkPause(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_paused", func(id int64) error {
		return h.app.Bulk.Pause(r.Context(), identity(r).Policy, id)
	})
}

// bulkResume sets a paused send going again.
func (h *handler) bulkResume(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_resumed", func(id int64) error {
		return h.app.Bulk.Resume(r.Context(), identity(r).Policy, id)
	})
}

// bulkAction runs an action on the send of the path and returns to its
// page with a flash. An action the send's state no longer allows (it
// finished meanwhile) is a 409.
func (h *handler) bulkAction(w http.ResponseWriter, r *http.Request, flash string, do func(int64) error) {
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	err := do(id)
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Field == "status" {
		h.errorPage(w, r, http.StatusConflict)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setFlash(w, flash)
	h.redirect(w, r, "/bulk/"+strconv.FormatInt(id, 10))
}
