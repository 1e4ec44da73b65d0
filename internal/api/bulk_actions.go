package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/permission"
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
	h.bulkStateChange(w, r, h.app.Bulk.Cancel)
}

// pauseBulkSend stops a running send after the messages on their way;
// resumeBulkSend sets a paused one going again. Same rights as cancel.
func (h *handler) pauseBulkSend(w http.ResponseWriter, r *http.Request) {
	h.bulkStateChange(w, r, h.app.Bulk.Pause)
}

func (h *handler) resumeBulkSend(w http.ResponseWriter, r *http.Request) {
	h.bulkStateChange(w, r, h.app.Bulk.Resume)
}

// bulkStateChange runs change on the send of the path and answers the send
// as it is then; a change its state does not allow is a 409.
func (h *handler) bulkStateChange(w http.ResponseWriter, r *http.Request, change func(context.Context, permission.Policy, int64) error) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := change(r.Context(), policy(r), id); err != nil {
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

// retryBody chooses whether recipients whose outcome is unknown (they
// may have arrived) are sent again too.
type retryBody struct {
	IncludeUnknown bool `json:"include_unknown"`
}

// retryBulkSend queues the failed recipients of a running or finished
// send again, as a new attempt each; those whose outcome is unknown only
// with include_unknown. None failed: 200 with requeued 0.
func (h *handler) retryBulkSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var body retryBody
	if err := decodeOptional(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.app.Bulk.RetryFailed(r.Context(), policy(r), id, body.IncludeUnknown)
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

// decisionBody is an approver's comment on a send they approve or reject.
type decisionBody struct {
	Comment string `json:"comment"`
}

// approveBulkSend lets a send waiting for approval go at its time;
// rejectBulkSend refuses it (a comment is required). Admins and the
// manager of the operator's team may, never the operator.
func (h *handler) approveBulkSend(w http.ResponseWriter, r *http.Request) {
	h.bulkDecision(w, r, h.app.Bulk.Approve)
}

func (h *handler) rejectBulkSend(w http.ResponseWriter, r *http.Request) {
	h.bulkDecision(w, r, h.app.Bulk.Reject)
}

func (h *handler) bulkDecision(w http.ResponseWriter, r *http.Request,
	decide func(context.Context, permission.Policy, *model.User, int64, string) (*model.BulkSend, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var body decisionBody
	if err := decodeOptional(r, &body); err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := decide(r.Context(), policy(r), identity(r).User, id, body.Comment)
	if err != nil {
		h.fail(w, r, stateConflict(err))
		return
	}
	writeJSON(w, http.StatusOK, bulkOut(b))
}

// weComTasks is a send's WeCom tasks and the reminders it may still give.
type weComTasks struct {
	Tasks         []*model.WeComTask `json:"tasks"`
	RemindersLeft int                `json:"reminders_left"`
}

// bulkWeComTasks lists a send's WeCom tasks, one per sending member.
func (h *handler) bulkWeComTasks(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tasks, left, err := h.app.Bulk.WeComTasks(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if tasks == nil {
		tasks = []*model.WeComTask{}
	}
	writeJSON(w, http.StatusOK, weComTasks{Tasks: tasks, RemindersLeft: left})
}

// remindWeComTasks reminds the members who have not confirmed their
// tasks of a send.
func (h *handler) remindWeComTasks(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.app.Bulk.RemindWeCom(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	_, left, err := h.app.Bulk.WeComTasks(r.Context(), policy(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"reminded": n, "reminders_left": left})
}
