package plan

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/notify"
)

// Mailer is the e-mail channel reminders are sent through (the channel
// registry).
type Mailer interface {
	Channel(ctx context.Context, kind channel.Kind) (channel.Channel, int, error)
	Throttle(ctx context.Context, kind channel.Kind, n, perSecond int) error
}

// SetMailer lets reminders of plans that ask for it be e-mailed to their
// owner, with links under baseURL (the UI's public URL); failures are
// logged to log, the in-app reminder stands.
func (s *Service) SetMailer(m Mailer, baseURL string, log *slog.Logger) {
	s.mail, s.baseURL, s.log = m, strings.TrimRight(baseURL, "/"), log
}

// mailReminder e-mails the reminder m to the owner. The reminder has
// already been delivered in the app, so a failure is logged, not retried.
func (s *Service) mailReminder(ctx context.Context, owner *model.User, m notify.Message) {
	if s.mail == nil || owner.Email == "" {
		return
	}
	err := func() error {
		ch, rate, err := s.mail.Channel(ctx, channel.KindEmail)
		if err != nil {
			return err
		}
		if err := s.mail.Throttle(ctx, channel.KindEmail, 1, rate); err != nil {
			return err
		}
		text := m.Body + "\n\n" + s.baseURL + m.Link
		_, err = ch.Send(ctx, channel.Message{To: owner.Email, Subject: m.Title, Text: text, HTML: message.TextToHTML(text),
			Ref: fmt.Sprintf("plan-reminder-%s", m.DedupeKey)})
		return err
	}()
	if err != nil && s.log != nil {
		s.log.Warn("plan reminder e-mail", "user", owner.ID, "err", err)
	}
}
