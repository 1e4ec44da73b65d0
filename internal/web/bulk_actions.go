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

// bulkRetry sends again to the recipients that failed; to those whose
// outcome is unknown only when the operator ticked the box that says
// they may have arrived.
func (h *handler) bulkRetry(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_retried", func(id int64) error {
		_, err := h.app.Bulk.RetryFailed(r.Context(), identity(r).Policy, id, r.PostFormValue("include_unknown") == "1")
		return err
	})
}

// bulkPause stops a running send after the messages on their way.
func (h *handler) bulkPause(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_paused", func(id int64) error {
		return h.app.Bulk.Pause(r.Context(), identity(r).Policy, id)
	})
}

// bulkRemind reminds the members who have not confirmed their WeCom
// tasks of a send. Past WeCom's three reminders a day, or with nobody
// waiting, the page says so instead.
func (h *handler) bulkRemind(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.wecom_reminded", func(id int64) error {
		_, err := h.app.Bulk.RemindWeCom(r.Context(), identity(r).Policy, id)
		return h.weComRefusal(w, r, id, err)
	})
}

// weComRefusal answers a refusal of a WeCom action (nothing waits, the
// day's reminders used) with the send's page saying why; other errors
// are returned.
func (h *handler) weComRefusal(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Field == "wecom" {
		setFlash(w, "error."+fe.Code)
		h.redirect(w, r, "/bulk/"+strconv.FormatInt(id, 10))
		return errAnswered
	}
	return err
}

// bulkRefresh reads back at once what a send's WeCom tasks have done.
func (h *handler) bulkRefresh(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.wecom_refreshed", func(id int64) error {
		return h.weComRefusal(w, r, id, h.app.Bulk.RefreshWeCom(r.Context(), identity(r).Policy, id))
	})
}

// bulkResume sets a paused send going again.
func (h *handler) bulkResume(w http.ResponseWriter, r *http.Request) {
	h.bulkAction(w, r, "flash.bulk_resumed", func(id int64) error {
		return h.app.Bulk.Resume(r.Context(), identity(r).Policy, id)
	})
}

// bulkApprove lets a send waiting for approval go at its time; bulkReject
// refuses it, with the comment the operator is told.
func (h *handler) bulkApprove(w http.ResponseWriter, r *http.Request) {
	h.bulkDecision(w, r, "flash.bulk_approved", true)
}

func (h *handler) bulkReject(w http.ResponseWriter, r *http.Request) {
	h.bulkDecision(w, r, "flash.bulk_rejected", false)
}

// bulkDecision records an approver's decision; a rejection without a
// comment shows the page again with the error.
func (h *handler) bulkDecision(w http.ResponseWriter, r *http.Request, flash string, approve bool) {
	id := identity(r)
	comment := r.PostFormValue("comment")
	decide := h.app.Bulk.Reject
	if approve {
		decide = h.app.Bulk.Approve
	}
	h.bulkAction(w, r, flash, func(bid int64) error {
		_, err := decide(r.Context(), id.Policy, id.User, bid, comment)
		if ve, ok := model.AsValidation(err); ok && ve[0].Field == "comment" {
			d, derr := h.bulkSend(w, r)
			if derr != nil {
				return derr
			}
			d.Errors, d.Comment = ve, comment
			h.render(w, r, http.StatusBadRequest, "bulk_show.html", d)
			return errAnswered
		}
		return err
	})
}

// errAnswered tells bulkAction the action has answered the request.
var errAnswered = errors.New("answered")

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
	if errors.Is(err, errAnswered) {
		return
	}
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
