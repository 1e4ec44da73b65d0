package notify

import (
	"context"
	"sync"

	"touchbase/internal/model"
)

// Event types.
const (
	// EventCreated: a new notification for the user.
	EventCreated = "created"
	// EventRead: notifications were marked read (perhaps in another tab or
	// process), or the count should be refreshed after a reconnection.
	EventRead = "read"
)

// Event is what a subscriber receives.
type Event struct {
	Type string `json:"type"`
	// Notification is the new notification of an EventCreated.
	Notification *model.Notification `json:"notification,omitempty"`
	// Unread is the user's unread count after the change, -1 when it
	// could not be read.
	Unread int `json:"unread"`
}

// Subscribe returns the live events of a user's notifications in this
// process, from now on (load the list first, then apply events; a
// notification may arrive twice around a reconnection, so key by id). The
// channel is closed when ctx ends, when the returned func is called, when
// the subscriber falls more than Config.Buffer events behind, or when Run
// stops: the client should then reconnect and reload.
func (s *Service) Subscribe(ctx context.Context, userID int64) (<-chan Event, func()) {
	sub := s.hub.add(userID, s.cfg.Buffer)
	stopAfter := context.AfterFunc(ctx, func() { s.hub.remove(sub) })
	return sub.ch, func() {
		stopAfter()
		s.hub.remove(sub)
	}
}

// LiveConnections is the number of live event streams open in this
// process (browser tabs and API clients listening).
func (s *Service) LiveConnections() int { return s.hub.count() }

type subscriber struct {
	userID int64
	ch     chan Event
}

// hub holds this process's subscribers, by user.
type hub struct {
	mu     sync.Mutex
	subs   map[int64]map[*subscriber]struct{}
	closed bool
	seen   seenIDs
}

func newHub() *hub {
	return &hub{subs: map[int64]map[*subscriber]struct{}{}, seen: newSeenIDs(4096)}
}

// add registers a subscriber; after close it returns one already closed.
func (h *hub) add(userID int64, buffer int) *subscriber {
	sub := &subscriber{userID: userID, ch: make(chan Event, buffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(sub.ch)
		return sub
	}
	if h.subs[userID] == nil {
		h.subs[userID] = map[*subscriber]struct{}{}
	}
	h.subs[userID][sub] = struct{}{}
	return sub
}

// remove unregisters sub and closes its channel; a second call does
// nothing.
func (h *hub) remove(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(sub)
}

func (h *hub) drop(sub *subscriber) {
	set := h.subs[sub.userID]
	if _, ok := set[sub]; !ok {
		return
	}
	delete(set, sub)
	if len(set) == 0 {
		delete(h.subs, sub.userID)
	}
	close(sub.ch)
}

// has reports whether the user has a subscriber here.
func (h *hub) has(userID int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[userID]) > 0
}

// users lists the users with a subscriber here.
func (h *hub) users() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]int64, 0, len(h.subs))
	for id := range h.subs {
		out = append(out, id)
	}
	return out
}

// send gives ev to every subscriber of the user without waiting; one whose
// buffer is full is dropped (its channel closed) so it reloads.
func (h *hub) send(userID int64, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs[userID] {
		select {
		case sub.ch <- ev:
		default:
			h.drop(sub)
		}
	}
}

// firstSight records a notification id and reports whether it is new, so
// one notification reaching this process twice (published locally and
// polled, or announced and caught up) is delivered once.
func (h *hub) firstSight(id int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen.add(id)
}

// close drops every subscriber; later ones get a closed channel.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, set := range h.subs {
		for sub := range set {
			h.drop(sub)
		}
	}
}

// seenIDs remembers the last n ids added.
type seenIDs struct {
	ring []int64
	next int
	set  map[int64]struct{}
}

func newSeenIDs(n int) seenIDs {
	return seenIDs{ring: make([]int64, n), set: make(map[int64]struct{}, n)}
}

func (s *seenIDs) add(id int64) bool {
	if _, ok := s.set[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != 0 {
		delete(s.set, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.set[id] = struct{}{}
	return true
}

// deliverCreated pushes a new notification to the user's subscribers here.
func (s *Service) deliverCreated(ctx context.Context, n *model.Notification) {
	if !s.hub.has(n.UserID) || !s.hub.firstSight(n.ID) {
		return
	}
	s.hub.send(n.UserID, Event{Type: EventCreated, Notification: n, Unread: s.unread(ctx, n.UserID)})
}

// deliverRead pushes the user's new unread count to the subscribers here.
func (s *Service) deliverRead(ctx context.Context, userID int64) {
	if !s.hub.has(userID) {
		return
	}
	s.hub.send(userID, Event{Type: EventRead, Unread: s.unread(ctx, userID)})
}

func (s *Service) unread(ctx context.Context, userID int64) int {
	n, err := s.store.UnreadNotificationCount(ctx, userID)
	if err != nil {
		s.log.Warn("notifications: unread count", "user", userID, "err", err)
		return -1
	}
	return n
}

// count is the number of subscribers here.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, set := range h.subs {
		n += len(set)
	}
	return n
}
