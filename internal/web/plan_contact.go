package web

import (
	"net/http"

	"touchbase/internal/model"
)

// contactPlan loads the contact plan a contact dialog or a record form
// completes: one the user sees, of the customer named by the path (else
// 404). Whether it is still open the record service decides, naming the
// plan_id field.
func (h *handler) contactPlan(r *http.Request, planID int64) (*model.Plan, error) {
	if planID == 0 {
		return nil, nil
	}
	pl, err := h.app.Plans.Get(r.Context(), identity(r).Policy, planID)
	if err != nil {
		return nil, err
	}
	if cid, ok := pathID(r, "id"); !ok || cid != pl.CustomerID {
		return nil, model.ErrNotFound
	}
	return pl, nil
}

// planContactID is the contact a form for plan pl starts on: the one asked
// for, else the plan's.
func planContactID(asked int64, pl *model.Plan) int64 {
	if asked == 0 && pl != nil && pl.ContactID != nil {
		return *pl.ContactID
	}
	return asked
}
