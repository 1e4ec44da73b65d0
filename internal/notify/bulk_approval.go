package notify

import (
	"context"
	"errors"
	"strconv"
	"time"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// ApprovalRequested asks the approvers of a bulk send that waits to
// approve or reject it, each in their language. It never fails the
// caller, and asks each approver once per send.
func (s *Service) ApprovalRequested(ctx context.Context, b *model.BulkSend, approvers []int64) {
	if b == nil || b.Approval == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	for _, id := range approvers {
		_, err := s.Notify(ctx, id, approvalRequestMessage(s.language(ctx, id), b))
		if err != nil && !errors.Is(err, ErrDuplicate) {
			s.log.Warn("notifications: bulk send approval request", "bulk_send", b.ID, "user", id, "err", err)
		}
	}
}

// approvalRequestMessage renders an approver's notification.
func approvalRequestMessage(lang string, b *model.BulkSend) Message {
	messages := b.EstimatedMessages
	body := i18n.T(lang, "bulknotify.approval_request_body", b.UserName, messages, b.EstimatedCost.String())
	switch b.Approval.Need {
	case model.ApprovalNeedCost:
		body += i18n.T(lang, "bulknotify.approval_need_cost")
	case model.ApprovalNeedBudget:
		body += i18n.T(lang, "bulknotify.approval_need_budget")
	default:
		body += i18n.T(lang, "bulknotify.approval_need_messages")
	}
	return Message{
		Kind:  model.NotifyBulkApproval,
		Title: i18n.T(lang, "bulknotify.approval_request_title", b.Title),
		Body:  body,
		Link:  "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data: map[string]any{"bulk_send_id": b.ID, "operator": b.UserName, "messages": messages,
			"estimated_cost": b.EstimatedCost.String(), "need": b.Approval.Need},
		DedupeKey: "bulk_approval:" + strconv.FormatInt(b.ID, 10),
	}
}

// ApprovalDecided tells the operator of a bulk send that it was approved,
// rejected (with the approver's comment) or expired unapproved. It never
// fails the caller, and says it once per send.
func (s *Service) ApprovalDecided(ctx context.Context, b *model.BulkSend) {
	if b != nil && b.Approval != nil && b.Approval.State != model.ApprovalWaiting {
		s.tellOperator(ctx, b, "approval", func(lang string) Message { return approvalDecidedMessage(lang, b) })
	}
}

// approvalDecidedMessage renders the operator's notification of the
// decision.
func approvalDecidedMessage(lang string, b *model.BulkSend) Message {
	a := b.Approval
	var body string
	switch a.State {
	case model.ApprovalApproved:
		body = i18n.T(lang, "bulknotify.approved_body", a.ByName)
	case model.ApprovalRejected:
		body = i18n.T(lang, "bulknotify.rejected_body", a.ByName)
	default:
		body = i18n.T(lang, "bulknotify.expired_body")
	}
	if a.Comment != "" {
		body += i18n.T(lang, "bulknotify.approval_comment", a.Comment)
	}
	return Message{
		Kind:      model.NotifyBulkDecided,
		Title:     i18n.T(lang, "bulknotify."+a.State+"_title", b.Title),
		Body:      body,
		Link:      "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data:      map[string]any{"bulk_send_id": b.ID, "approval": a.State, "by": a.ByName, "comment": a.Comment},
		DedupeKey: "bulk_decided:" + strconv.FormatInt(b.ID, 10),
	}
}
