package web

import (
	"net/http"

	"touchbase/internal/model"
)

// notificationRead marks one of the user's notifications read. With next
// (the notification's link, followed from the list) it then goes there;
// otherwise htmx gets the item back, read, and a plain form the list.
func (h *handler) notificationRead(w http.ResponseWriter, r *http.Request) {
	uid := identity(r).User.ID
	id, ok := pathID(r, "id")
	if !ok {
		h.notFound(w, r)
		return
	}
	if err := h.app.Notify.MarkRead(r.Context(), uid, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.unreadTrigger(w, r, nil)
	if next := safeNext(r.PostFormValue("next"), ""); next != "" {
		h.redirect(w, r, next)
		return
	}
	if isHTMX(r) {
		n, err := h.app.Store.NotificationByID(r.Context(), uid, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d := notificationListData{base: h.base(w, r, "notifications", "notify.title")}
		h.fragment(w, r, http.StatusOK, "notification_item", notificationItem{N: n, List: d})
		return
	}
	h.redirect(w, r, safeNext(r.PostFormValue("back"), "/notifications"))
}

// notificationReadAll marks every notification of the user read.
func (h *handler) notificationReadAll(w http.ResponseWriter, r *http.Request) {
	n, err := h.app.Notify.MarkAllRead(r.Context(), identity(r).User.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	events := map[string]any{}
	if n > 0 {
		events["toast"] = toast{Message: h.t(r, "notify.all_read_toast", n)}
	}
	h.unreadTrigger(w, r, events)
	h.redirect(w, r, safeNext(r.PostFormValue("back"), "/notifications"))
}

// unreadTrigger tells the page the user's new unread count (the bell
// follows at once, before the live stream says so too).
func (h *handler) unreadTrigger(w http.ResponseWriter, r *http.Request, events map[string]any) {
	n, err := h.app.Notify.UnreadCount(r.Context(), identity(r).User.ID)
	if err != nil {
		return
	}
	if events == nil {
		events = map[string]any{}
	}
	events["unreadCount"] = map[string]int{"unread": n}
	trigger(w, events)
}

// notificationItem is the data of one item of the list.
type notificationItem struct {
	N    *model.Notification
	List notificationListData
}
