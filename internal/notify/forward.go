package notify

import (
	"context"
	"errors"
	"strings"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// Who a forwarded notification goes to.
type forwardScope int

const (
	toUserAndAdmin forwardScope = iota // the user's bot and the admin-wide one
	toUser                             // the user's bot only
	toAdmin                            // the admin-wide bot only (a message sent to many users)
)

type forwardJob struct {
	n     *model.Notification
	scope forwardScope
	hooks []*model.BotWebhook // the enabled bots it goes to
}

// enqueueForward hands a notification to the bot workers without waiting,
// when a bot it should go to is enabled; when the queue is full it is
// dropped (and logged).
func (s *Service) enqueueForward(ctx context.Context, j forwardJob) {
	if s.bots == nil {
		return
	}
	owner := j.n.UserID
	if j.scope == toAdmin {
		owner = 0
	}
	hooks, err := s.store.EnabledBotWebhooks(ctx, owner)
	if err != nil {
		s.log.Warn("notifications: bot webhooks", "err", err)
		return
	}
	for _, h := range hooks {
		adminWide := h.UserID == nil
		if (j.scope == toUser && adminWide) || (j.scope == toAdmin && !adminWide) {
			continue
		}
		j.hooks = append(j.hooks, h)
	}
	if len(j.hooks) == 0 {
		return
	}
	select {
	case s.forward <- j:
	default:
		s.log.Warn("notifications: bot queue full, not forwarded", "notification", j.n.ID)
	}
}

func (s *Service) forwardLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.forward:
			s.forwardOne(ctx, j)
		}
	}
}

// forwardOne posts one notification to its bots, logging failures.
func (s *Service) forwardOne(ctx context.Context, j forwardJob) {
	var user *model.User
	if j.scope != toAdmin {
		var err error
		if user, err = s.store.UserByID(ctx, j.n.UserID); err != nil {
			s.log.Warn("notifications: forward", "user", j.n.UserID, "err", err)
			return
		}
	}
	posted := map[string]bool{}
	for _, h := range j.hooks {
		adminWide := h.UserID == nil
		b, err := s.openBot(h)
		if err != nil {
			s.log.Warn("notifications: bot settings", "bot", h.ID, "err", err)
			continue
		}
		if posted[b.URL] {
			continue
		}
		posted[b.URL] = true
		m := s.botMessage(j.n, user, adminWide && j.scope != toAdmin)
		if err := s.post(ctx, b, m); err != nil {
			s.log.Warn("notifications: bot post failed", "bot", h.ID, "provider", h.Provider, "notification", j.n.ID, "err", err)
		}
	}
}

// post sends m, retrying transient failures with backoff.
func (s *Service) post(ctx context.Context, b *model.BotWebhook, m BotMessage) error {
	wait := s.cfg.ForwardBackoff
	for attempt := 1; ; attempt++ {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err := s.bots.Send(pctx, b, m)
		cancel()
		var be *BotError
		if err == nil || attempt >= s.cfg.ForwardAttempts || !errors.As(err, &be) || !be.Transient {
			return err
		}
		if !sleep(ctx, wait) {
			return err
		}
		wait *= 2
	}
}

// botMessage renders a notification for a bot in its user's language;
// on the admin-wide bot, named after its user.
func (s *Service) botMessage(n *model.Notification, user *model.User, named bool) BotMessage {
	lang := i18n.Default
	if user != nil && i18n.Supported(user.Language) {
		lang = user.Language
	}
	m := BotMessage{Title: n.Title, Body: n.Body, LinkLabel: text(lang, "open")}
	if named && user != nil {
		m.Title = user.Name() + ": " + m.Title
	}
	if n.Link != "" && s.cfg.BaseURL != "" {
		m.URL = strings.TrimRight(s.cfg.BaseURL, "/") + n.Link
	}
	// Names the product, so a DingTalk bot guarded by the keyword
	// "Touchbase" accepts it.
	m.Body = strings.TrimSpace(m.Body + "\n— Touchbase")
	return m
}
