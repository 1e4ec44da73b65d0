package api

import (
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// notificationPage is one page of the caller's notifications, newest
// first, with their unread count; next_before_id asks for the following
// page and is null when this page was not full.
type notificationPage struct {
	Items        []*model.Notification `json:"items"`
	Unread       int                   `json:"unread"`
	NextBeforeID *int64                `json:"next_before_id"`
}

// unreadCount is the caller's unread count after marking notifications
// read; marked (read-all only) is how many that call marked.
type unreadCount struct {
	Unread int    `json:"unread"`
	Marked *int64 `json:"marked,omitempty"`
}

// listNotifications lists the caller's notifications (only ever their
// own) with the unread count.
func (h *handler) listNotifications(w http.ResponseWriter, r *http.Request) {
	var f storage.NotificationFilter
	var err error
	if f.BeforeID, err = queryID(r, "before_id"); err == nil {
		if f.UnreadOnly, err = queryBool(r, "unread"); err == nil {
			f.Limit, err = queryInt(r, "limit", 50, 1, 200)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uid := identity(r).User.ID
	items, err := h.app.Notify.List(r.Context(), uid, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	unread, err := h.app.Notify.UnreadCount(r.Context(), uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := notificationPage{Items: items, Unread: unread}
	if out.Items == nil {
		out.Items = []*model.Notification{}
	}
	if len(items) == f.Limit {
		next := items[len(items)-1].ID
		out.NextBeforeID = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// readNotification marks one of the caller's notifications read; marking
// one already read changes nothing and still answers 200. Another user's
// notification is 404, exactly like a missing one.
func (h *handler) readNotification(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uid := identity(r).User.ID
	if err := h.app.Notify.MarkRead(r.Context(), uid, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeUnread(w, r, uid, nil)
}

// readAllNotifications marks every notification of the caller read.
func (h *handler) readAllNotifications(w http.ResponseWriter, r *http.Request) {
	uid := identity(r).User.ID
	n, err := h.app.Notify.MarkAllRead(r.Context(), uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeUnread(w, r, uid, &n)
}

// writeUnread answers with the caller's unread count now.
func (h *handler) writeUnread(w http.ResponseWriter, r *http.Request, uid int64, marked *int64) {
	unread, err := h.app.Notify.UnreadCount(r.Context(), uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, unreadCount{Unread: unread, Marked: marked})
}
