package bulk

import (
	"context"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// PauseFunc hears of a send that paused itself (the operator's
// notification).
type PauseFunc func(ctx context.Context, b *model.BulkSend)

// OnPause sets the function told when a send pauses itself.
func (s *Service) OnPause(f PauseFunc) { s.onPause = f }

// pauseItself pauses a send whose messages are failing and tells its
// operator, once: of several slots finding the same, one pauses it.
func (s *Service) pauseItself(ctx context.Context, b *model.BulkSend, p model.Pause) error {
	p.At = s.now()
	ok, err := s.store.PauseBulkSend(ctx, b.ID, p)
	if err != nil || !ok {
		return err
	}
	s.log.Warn("bulk send paused itself", "bulk_send", b.ID, "why", p.Reason, "reason", p.Detail, "failed_percent", p.FailedPercent)
	if s.onPause != nil {
		if got, err := s.store.BulkSendByID(ctx, admin, b.ID); err == nil {
			s.onPause(ctx, got)
		}
	}
	return nil
}

// manage loads a send that its operator or an admin may act on.
func (s *Service) manage(ctx context.Context, p permission.Policy, id int64) (*model.BulkSend, error) {
	b, err := s.store.BulkSendByID(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !p.Admin && (b.UserID == nil || *b.UserID != p.UserID) {
		return nil, model.ErrForbidden
	}
	return b, nil
}

// Pause stops a running send after the messages already on their way:
// nothing more goes out until it is resumed. Only its operator or an admin
// may pause it.
func (s *Service) Pause(ctx context.Context, p permission.Policy, id int64) error {
	if _, err := s.manage(ctx, p, id); err != nil {
		return err
	}
	uid := p.UserID
	ok, err := s.store.PauseBulkSend(ctx, id, model.Pause{Reason: model.PauseManual, At: s.now(), By: &uid})
	if err != nil {
		return err
	}
	if !ok {
		return model.NewFieldError("status", "not_pausable", "only a running send can be paused")
	}
	return nil
}

// Resume sets a paused send going again from where it stopped: recipients
// already sent are not sent again. Only its operator or an admin may.
func (s *Service) Resume(ctx context.Context, p permission.Policy, id int64) error {
	b, err := s.manage(ctx, p, id)
	if err != nil {
		return err
	}
	ok, err := s.store.ResumeBulkSend(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return model.NewFieldError("status", "not_paused", "only a paused send can be resumed")
	}
	// Should this insert fail, the sweeper queues the running send.
	if err := s.enqueueDispatch(ctx, b, s.now().UnixNano()); err != nil {
		s.log.Warn("queue resumed bulk send; the sweeper will", "bulk_send", id, "err", err)
	}
	return nil
}
