package web

import (
	"net/http"
	"strconv"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// notificationsPerPage is the page size of the notification centre.
const notificationsPerPage = 30

// notificationListData is the data of the notification centre.
type notificationListData struct {
	base
	OnlyUnread    bool // only unread ones
	Notifications []*model.Notification
	Older         string
	Newest        string
}

// notificationList shows the user's notifications, newest first, all or
// only the unread ones, paged by id. It refreshes itself (htmx) when a
// notification arrives.
func (h *handler) notificationList(w http.ResponseWriter, r *http.Request) {
	d := notificationListData{base: h.base(w, r, "notifications", "notify.title"), OnlyUnread: r.URL.Query().Get("filter") == "unread"}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	ns, err := h.app.Notify.List(r.Context(), identity(r).User.ID, storage.NotificationFilter{BeforeID: max(before, 0),
		UnreadOnly: d.OnlyUnread, Limit: notificationsPerPage + 1})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(ns) > notificationsPerPage {
		ns = ns[:notificationsPerPage]
		d.Older = d.link(ns[len(ns)-1].ID)
	}
	if before > 0 {
		d.Newest = d.link(0)
	}
	d.Notifications = ns
	if isHTMX(r) && r.Header.Get("HX-Target") == "notification-results" {
		h.fragment(w, r, http.StatusOK, "notification_results", d)
		return
	}
	h.render(w, r, http.StatusOK, "notifications.html", d)
}

func (d notificationListData) link(before int64) string {
	u := "/notifications"
	sep := "?"
	if d.OnlyUnread {
		u, sep = u+"?filter=unread", "&"
	}
	if before > 0 {
		u += sep + "before=" + strconv.FormatInt(before, 10)
	}
	return u
}

// Self is the URL of this page of the list.
func (d notificationListData) Self() string {
	if d.OnlyUnread {
		return "/notifications?filter=unread"
	}
	return "/notifications"
}
