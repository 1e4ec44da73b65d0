package api

import (
	"errors"
	"fmt"
	"net/http"

	"touchbase/internal/model"
)

// retryResult is the answer of retry-failed: how many failed recipients
// were queued again, and the send as it now stands.
type retryResult struct {
	Requeued int64    `json:"requeued"`
	BulkSend bulkSend `json:"bulk_send"`
}

// stateConflict turns the service's refusal of an action the send's
// status does not allow (a FieldError on "status") into a 409: the
// request was well formed, the send is past the point where it applies.
func stateConflict(err error) error {
	if ve, ok := model.AsValidation(err); ok && ve[0].Field == "status" && !errors.Is(err, model.ErrConflict) {
		return fmt.Errorf("%w: %w", model.ErrConflict, err)
	}
	return err
}

// cancelBulkSend stops a scheduled or running send: its pending
// recipients become skipped ("cancelled"); those being sent finish. The
// operator and admins may; a manager who only sees it gets 403.
func (h *handler) cancelBulkSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.app.Bulk.Cancel(r.Context(), policy(r), id); err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	b, err := h.app.Bulk.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulkOut(b))
}

// retryBulkSend queues the failed recipients of a running or finished
// send again, as a new attempt each. None failed: 200 with requeued 0.
func (h *handler) retryBulkSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.app.Bulk.RetryFailed(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	b, err := h.app.Bulk.Get(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, retryResult{Requeued: n, BulkSend: bulkOut(b)})
}
