package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// ErrDuplicate is returned by Notify when the user already has a
// notification with the message's DedupeKey. It is a model.ErrConflict.
var ErrDuplicate = fmt.Errorf("notify: %w: already notified", model.ErrConflict)

// ErrRunning is returned by Run when the service already runs.
var ErrRunning = errors.New("notify: already running")

// Config tunes the service. Zero fields take the defaults.
type Config struct {
	// BaseURL is the public URL of the web UI; links in bot messages are
	// made absolute with it. Empty: bot messages carry no link.
	BaseURL string
	// PollInterval is how often SQLite is polled for notifications written
	// by another process (default 1s).
	PollInterval time.Duration
	// Buffer is how many events a subscriber may fall behind before its
	// subscription is closed (default 32).
	Buffer int
	// ForwardWorkers is how many bot posts run at once (default 2);
	// ForwardQueue how many may wait (default 256; more are dropped).
	ForwardWorkers int
	ForwardQueue   int
	// ForwardAttempts bounds the posts of one message to one bot on
	// transient failures (default 3); ForwardBackoff is the first wait
	// between them, doubling (default 2s).
	ForwardAttempts int
	ForwardBackoff  time.Duration
	// ReconnectMin is the first wait before reconnecting to PostgreSQL
	// (default 100ms), doubling up to ReconnectMax (default 30s).
	ReconnectMin time.Duration
	ReconnectMax time.Duration
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Buffer, 32)
	def(&c.ForwardWorkers, 2)
	def(&c.ForwardQueue, 256)
	def(&c.ForwardAttempts, 3)
	defDur(&c.PollInterval, time.Second)
	defDur(&c.ForwardBackoff, 2*time.Second)
	defDur(&c.ReconnectMin, 100*time.Millisecond)
	defDur(&c.ReconnectMax, 30*time.Second)
	return c
}

// Secrets seals bot webhook URLs and secrets at rest; *channel.SecretBox
// is one.
type Secrets interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// Service is the notification centre of one process.
type Service struct {
	store   *storage.Store
	bots    *BotClient
	secrets Secrets
	log     *slog.Logger
	cfg     Config
	hub     *hub
	forward chan forwardJob
	running atomic.Bool
	ready   chan struct{}
	// onStored hears of every notification stored (to send it on, to
	// WeCom say).
	onStored func(ctx context.Context, n *model.Notification)
}

// OnStored sets the function told of every notification stored.
func (s *Service) OnStored(f func(ctx context.Context, n *model.Notification)) { s.onStored = f }

// NewService returns a Service on store. bots posts to group bots (nil: no
// forwarding); secrets seals their settings (nil: stored as given).
func NewService(store *storage.Store, bots *BotClient, secrets Secrets, log *slog.Logger, cfg Config) *Service {
	cfg = cfg.withDefaults()
	return &Service{store: store, bots: bots, secrets: secrets, log: log, cfg: cfg, hub: newHub(),
		forward: make(chan forwardJob, cfg.ForwardQueue), ready: make(chan struct{})}
}

// Notify stores a notification for the user, pushes it to the user's open
// pages and forwards it to the user's and the admin-wide group bot.
func (s *Service) Notify(ctx context.Context, userID int64, m Message) (*model.Notification, error) {
	n, err := m.notification(userID)
	if err != nil {
		return nil, err
	}
	created, err := s.store.CreateNotification(ctx, n)
	if err != nil {
		return nil, err
	}
	if !created {
		return nil, ErrDuplicate
	}
	s.published(ctx, n)
	s.enqueueForward(ctx, forwardJob{n: n, scope: toUserAndAdmin})
	if s.onStored != nil {
		s.onStored(ctx, n)
	}
	return n, nil
}

// NotifyUsers stores the same message for every user in one statement,
// pushes each, forwards each to its user's group bot and once to the
// admin-wide one. Users who already have the message's DedupeKey are left
// out of the result.
func (s *Service) NotifyUsers(ctx context.Context, userIDs []int64, m Message) ([]*model.Notification, error) {
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ns := make([]*model.Notification, 0, len(ids))
	for _, id := range ids {
		n, err := m.notification(id)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	if err := s.store.CreateNotifications(ctx, ns); err != nil {
		return nil, err
	}
	out := ns[:0]
	for _, n := range ns {
		if n.ID == 0 {
			continue
		}
		s.published(ctx, n)
		s.enqueueForward(ctx, forwardJob{n: n, scope: toUser})
		if s.onStored != nil {
			s.onStored(ctx, n)
		}
		out = append(out, n)
	}
	if len(out) > 0 {
		s.enqueueForward(ctx, forwardJob{n: out[0], scope: toAdmin})
	}
	return out, nil
}

// published hands a stored notification to local subscribers. On
// PostgreSQL the database announces it to every process, this one
// included, so only SQLite delivers here.
func (s *Service) published(ctx context.Context, n *model.Notification) {
	if s.store.Dialect() == storage.SQLite {
		s.deliverCreated(ctx, n)
	}
}

// List returns the user's notifications, newest first.
func (s *Service) List(ctx context.Context, userID int64, f storage.NotificationFilter) ([]*model.Notification, error) {
	return s.store.ListNotifications(ctx, userID, f)
}

// UnreadCount counts the user's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, userID int64) (int, error) {
	return s.store.UnreadNotificationCount(ctx, userID)
}

// MarkRead marks one of the user's notifications read; another user's is
// model.ErrNotFound. The user's open pages get the new unread count.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) error {
	changed, err := s.store.MarkNotificationRead(ctx, userID, id)
	if err == nil && changed && s.store.Dialect() == storage.SQLite {
		s.deliverRead(ctx, userID)
	}
	return err
}

// MarkAllRead marks all the user's notifications read and returns how many
// were unread. The user's open pages get the new unread count.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) (int64, error) {
	n, err := s.store.MarkAllNotificationsRead(ctx, userID)
	if err == nil && n > 0 && s.store.Dialect() == storage.SQLite {
		s.deliverRead(ctx, userID)
	}
	return n, err
}
