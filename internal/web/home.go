package web

import (
	"net/http"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Bounds of the home page's lists.
const (
	homePlans         = 50
	homeRecords       = 5
	homeNotifications = 5
	homeBulk          = 10
)

// homeData is the data of the home page: the rep's day.
type homeData struct {
	base
	Today         []*model.Plan
	MoreToday     bool
	Overdue       int
	Records       []*model.Record
	Bulk          []*model.BulkSend
	Notifications []*model.Notification
	Now           time.Time
}

// Plans are the plans the table lists: today's.
func (d homeData) Plans() []*model.Plan { return d.Today }

// ShowOwner is false: the home page shows the user's own plans.
func (d homeData) ShowOwner() bool { return false }

// Ended is false: the home page lists open plans.
func (d homeData) Ended() bool { return false }

// home is the rep's day: their plans due today with Contact now, how many
// are overdue, their latest contact records, their bulk sends under way
// and their unread notifications — a handful of bounded queries.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), identity(r)
	d := homeData{base: h.base(w, r, "home", "home.title"), Now: time.Now()}
	mine := storage.PlanFilter{OwnerID: id.User.ID}
	today := h.planTab(mine, tabToday, d.Loc)
	today.Limit = homePlans + 1
	var err error
	if d.Today, err = h.app.Plans.List(ctx, id.Policy, today); err != nil {
		h.fail(w, r, err)
		return
	}
	if len(d.Today) > homePlans {
		d.Today, d.MoreToday = d.Today[:homePlans], true
	}
	if d.Overdue, err = h.app.Store.CountPlans(ctx, id.Policy, h.planTab(mine, tabOverdue, d.Loc)); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Records, _, err = h.app.Records.List(ctx, id.Policy, storage.RecordFilter{UserID: id.User.ID, Limit: homeRecords}); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Bulk, err = h.app.Bulk.Live(ctx, id.User.ID, homeBulk); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Notifications, err = h.app.Notify.List(ctx, id.User.ID, storage.NotificationFilter{UnreadOnly: true,
		Limit: homeNotifications}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "home.html", d)
}
