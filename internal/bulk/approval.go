package bulk

import (
	"context"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Approval (审批): a send over the approval limits (more messages, or a
// higher estimated cost, than the settings allow) is accepted but waits;
// its approvers — admins and the manager of its operator's team — are
// told, and one of them approves it (it starts at its time, at once if
// that has passed) or rejects it with a comment (nothing is sent). One
// still waiting ApprovalWait after its time expires. Its operator hears
// of each outcome.

// ApprovalNotes tells people of approvals: approvers of a send that
// waits, its operator of the decision or of its expiry (b.Approval says
// which).
type ApprovalNotes interface {
	ApprovalRequested(ctx context.Context, b *model.BulkSend, approvers []int64)
	ApprovalDecided(ctx context.Context, b *model.BulkSend)
}

// OnApproval sets who is told of approvals.
func (s *Service) OnApproval(n ApprovalNotes) { s.approvals = n }

// maxComment bounds an approver's comment.
const maxComment = 500

// requestApproval tells the approvers of a send that waits for them.
func (s *Service) requestApproval(ctx context.Context, b *model.BulkSend) error {
	ids, err := s.store.BulkApprovers(ctx, *b.UserID)
	if err != nil {
		return err
	}
	s.log.Info("bulk send waits for approval", "bulk_send", b.ID, "need", b.Approval.Need, "approvers", len(ids))
	if s.approvals != nil {
		s.approvals.ApprovalRequested(ctx, b, ids)
	}
	return nil
}

// decidable loads a send user may decide on: an admin, or the manager of
// its operator's team, never its operator.
func (s *Service) decidable(ctx context.Context, p permission.Policy, user *model.User, id int64) (*model.BulkSend, error) {
	b, err := s.store.BulkSendByID(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if b.UserID == nil || *b.UserID == user.ID {
		return nil, model.ErrForbidden
	}
	if !p.Admin {
		ok, err := s.store.ManagesUser(ctx, p, *b.UserID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, model.ErrForbidden
		}
	}
	if b.Status != model.BulkAwaitingApproval {
		return nil, model.NewFieldError("status", "not_waiting", "only a send waiting for approval can be approved or rejected")
	}
	return b, nil
}

// CanDecide reports whether user may approve or reject the send b (it
// waits, and they are an admin or its operator's manager).
func (s *Service) CanDecide(ctx context.Context, p permission.Policy, user *model.User, b *model.BulkSend) (bool, error) {
	if b.Status != model.BulkAwaitingApproval || b.UserID == nil || *b.UserID == user.ID {
		return false, nil
	}
	if p.Admin {
		return true, nil
	}
	return s.store.ManagesUser(ctx, p, *b.UserID)
}

// Approve lets a waiting send go: at its time, or at once when that has
// passed. The comment is optional.
func (s *Service) Approve(ctx context.Context, p permission.Policy, user *model.User, id int64, comment string) (*model.BulkSend, error) {
	comment, err := checkComment(comment, false)
	if err != nil {
		return nil, err
	}
	b, err := s.decidable(ctx, p, user, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.store.ApproveBulkSend(ctx, id, user.ID, comment, s.now())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NewFieldError("status", "not_waiting", "the send was decided or cancelled meanwhile")
	}
	// Should the queue insert fail, the sweeper starts the due send.
	if err := s.enqueueStart(ctx, id, b.ScheduledAt); err != nil {
		s.log.Warn("queue approved bulk send; the sweeper will", "bulk_send", id, "err", err)
	}
	return s.decided(ctx, id)
}

// Reject refuses a waiting send, with a comment its operator reads:
// nothing is sent.
func (s *Service) Reject(ctx context.Context, p permission.Policy, user *model.User, id int64, comment string) (*model.BulkSend, error) {
	comment, err := checkComment(comment, true)
	if err != nil {
		return nil, err
	}
	if _, err := s.decidable(ctx, p, user, id); err != nil {
		return nil, err
	}
	ok, err := s.store.RejectBulkSend(ctx, id, user.ID, comment, s.now())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NewFieldError("status", "not_waiting", "the send was decided or cancelled meanwhile")
	}
	return s.decided(ctx, id)
}

// decided reloads a decided send and tells its operator.
func (s *Service) decided(ctx context.Context, id int64) (*model.BulkSend, error) {
	b, err := s.store.BulkSendByID(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	s.log.Info("bulk send approval decided", "bulk_send", id, "approval", b.Approval.State)
	if s.approvals != nil {
		s.approvals.ApprovalDecided(ctx, b)
	}
	return b, nil
}

// ExpireApprovals ends the sends nobody approved within ApprovalWait of
// their time, and tells their operators.
func (s *Service) ExpireApprovals(ctx context.Context) error {
	ids, err := s.store.ExpireApprovals(ctx, s.now().Add(-s.cfg.ApprovalWait))
	for _, id := range ids {
		s.log.Info("bulk send expired waiting for approval", "bulk_send", id)
		if _, derr := s.decided(ctx, id); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

// checkComment trims an approver's comment and checks its length; a
// rejection needs one.
func checkComment(c string, required bool) (string, error) {
	var errs model.ValidationErrors
	c = strings.TrimSpace(c)
	errs.Text("comment", c, required, maxComment)
	return c, errs.Err()
}

// DefaultApprovalWait is how long past its time a send may wait for
// approval before it expires.
const DefaultApprovalWait = 24 * time.Hour
