package web

import (
	"net/http"
	"slices"
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
	Recent        []homeContact
	Bulk          []*model.BulkSend
	Notifications []*model.Notification
	Now           time.Time
}

// homeContact is one line of "my recent contacts": a record, or a bulk
// send standing for all of its records.
type homeContact struct {
	Record *model.Record
	Bulk   *model.BulkSend
	At     time.Time
}

// recentContacts merges the user's latest records outside bulk sends and
// their latest started bulk sends into one list, newest first, at most n.
func recentContacts(records []*model.Record, sends []*model.BulkSend, n int) []homeContact {
	out := make([]homeContact, 0, len(records)+len(sends))
	for _, r := range records {
		out = append(out, homeContact{Record: r, At: r.ContactedAt})
	}
	for _, b := range sends {
		out = append(out, homeContact{Bulk: b, At: *b.StartedAt})
	}
	slices.SortStableFunc(out, func(a, b homeContact) int { return b.At.Compare(a.At) })
	return out[:min(len(out), n)]
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
	// A bulk send is one line, not one per recipient.
	records, _, err := h.app.Records.List(ctx, id.Policy, storage.RecordFilter{UserID: id.User.ID, NoBulk: true, Limit: homeRecords})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	started, err := h.app.Bulk.Started(ctx, id.User.ID, homeRecords)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Recent = recentContacts(records, started, homeRecords)
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
