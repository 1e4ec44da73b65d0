package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/quiet"
)

// texts are the package's own strings, per language.
var texts = map[string]map[string]string{
	i18n.ZhCN: {
		"bulk_finished":  "批量联系已完成：%s",
		"bulk_cancelled": "批量联系已取消：%s",
		"bulk_counts":    "共 %d 条：成功 %d，失败 %d，跳过 %d",
		"bulk_pending":   "，未完成 %d",
		"open":           "查看详情",
		"test_title":     "Touchbase 测试消息",
		"test_body":      "群机器人已连通，通知将转发到这里。",
	},
	i18n.EN: {
		"bulk_finished":  "Bulk send finished: %s",
		"bulk_cancelled": "Bulk send cancelled: %s",
		"bulk_counts":    "%d recipients: %d sent, %d failed, %d skipped",
		"bulk_pending":   ", %d unfinished",
		"open":           "Open",
		"test_title":     "Touchbase test message",
		"test_body":      "The group bot is connected; notifications will be forwarded here.",
	},
}

func text(lang, key string, args ...any) string {
	t, ok := texts[lang]
	if !ok {
		t = texts[i18n.Default]
	}
	if len(args) == 0 {
		return t[key]
	}
	return fmt.Sprintf(t[key], args...)
}

// BulkFinished notifies the operator of a bulk send that it finished or
// was cancelled, with its counts and a link to it, in the operator's
// language (Simplified Chinese by default). Its signature is
// bulk.FinishFunc's; it never fails the caller: problems are logged, and a
// second call for the same send does nothing.
func (s *Service) BulkFinished(ctx context.Context, b *model.BulkSend) {
	s.tellOperator(ctx, b, "finished", func(lang string) Message { return bulkMessage(lang, b) })
}

// tellOperator notifies the operator of b with what render writes in
// their language. It never fails the caller: problems are logged as
// about what, and a message already told (its DedupeKey) is not repeated.
func (s *Service) tellOperator(ctx context.Context, b *model.BulkSend, what string, render func(lang string) Message) {
	if b == nil || b.UserID == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	_, err := s.Notify(ctx, *b.UserID, render(s.language(ctx, *b.UserID)))
	if err != nil && !errors.Is(err, ErrDuplicate) {
		s.log.Warn("notifications: bulk send "+what, "bulk_send", b.ID, "err", err)
	}
}

// bulkMessage renders the operator's notification of a finished send.
func bulkMessage(lang string, b *model.BulkSend) Message {
	kind := model.NotifyBulkFinished
	if b.Status == model.BulkCancelled {
		kind = model.NotifyBulkCancelled
	}
	c := b.Counts
	body := text(lang, "bulk_counts", c.Total, c.Sent, c.Failed, c.Skipped)
	if c.Pending > 0 {
		body += text(lang, "bulk_pending", c.Pending)
	}
	return Message{
		Kind:  kind,
		Title: text(lang, kind, b.Title),
		Body:  body,
		Link:  "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data: map[string]any{"bulk_send_id": b.ID, "status": b.Status, "total": c.Total, "sent": c.Sent,
			"failed": c.Failed, "skipped": c.Skipped, "pending": c.Pending},
		DedupeKey: "bulk_send:" + strconv.FormatInt(b.ID, 10),
	}
}

// ReceiptsSettled tells the operator of a bulk send that its delivery
// receipts have all come in, with how many messages reached the phone. Its
// signature is what receipt.Service.OnSendSettled takes; like BulkFinished
// it never fails the caller, and says it once per send.
func (s *Service) ReceiptsSettled(ctx context.Context, b *model.BulkSend) {
	s.tellOperator(ctx, b, "receipts", func(lang string) Message { return receiptsMessage(lang, b) })
}

// receiptsMessage renders the follow-up notification of a send whose
// receipts have settled.
func receiptsMessage(lang string, b *model.BulkSend) Message {
	c := b.Counts
	return Message{
		Kind:  model.NotifyBulkReceipts,
		Title: i18n.T(lang, "bulknotify.receipts_title", b.Title),
		Body:  i18n.T(lang, "bulknotify.receipts_body", c.Sent, c.Delivered, c.Undelivered, c.NoReceipt),
		Link:  "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data: map[string]any{"bulk_send_id": b.ID, "sent": c.Sent, "delivered": c.Delivered,
			"undelivered": c.Undelivered, "no_receipt": c.NoReceipt},
		DedupeKey: "bulk_receipts:" + strconv.FormatInt(b.ID, 10),
	}
}

// BulkPaused tells the operator of a bulk send that it paused itself,
// why, and what to do. Its signature is bulk.PauseFunc's; it never fails
// the caller, and says it once per pause.
func (s *Service) BulkPaused(ctx context.Context, b *model.BulkSend) {
	if b != nil && b.Pause != nil {
		s.tellOperator(ctx, b, "paused", func(lang string) Message { return pausedMessage(lang, b) })
	}
}

// pausedMessage renders the notification of a send that paused itself.
func pausedMessage(lang string, b *model.BulkSend) Message {
	p := b.Pause
	reason := channel.ReasonText(p.Detail, lang)
	var body string
	switch p.Reason {
	case model.PauseCanary:
		body = i18n.T(lang, "bulknotify.paused_canary", b.CanarySize, p.FailedPercent, reason)
	case model.PauseProvider:
		body = i18n.T(lang, "bulknotify.paused_provider", reason)
	default:
		body = i18n.T(lang, "bulknotify.paused_failure_rate", p.FailedPercent, reason)
	}
	return Message{
		Kind:  model.NotifyBulkPaused,
		Title: i18n.T(lang, "bulknotify.paused_title", b.Title),
		Body:  body,
		Link:  "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data: map[string]any{"bulk_send_id": b.ID, "why": p.Reason, "reason": p.Detail, "failed_percent": p.FailedPercent,
			"sent": b.Counts.Sent, "failed": b.Counts.Failed, "pending": b.Counts.Pending},
		DedupeKey: "bulk_paused:" + strconv.FormatInt(b.ID, 10) + ":" + strconv.FormatInt(p.At.UnixMilli(), 10),
	}
}

// language is the user's UI language, the default when unset or unknown.
func (s *Service) language(ctx context.Context, userID int64) string {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil || !i18n.Supported(u.Language) {
		return i18n.Default
	}
	return u.Language
}

// WeComTask tells the user who is task t's member that a WeCom
// mass-message task of send b waits for them to confirm it in the WeCom
// client.
func (s *Service) WeComTask(ctx context.Context, b *model.BulkSend, t *model.WeComTask) {
	if t.UserID == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	lang := s.language(ctx, *t.UserID)
	_, err := s.Notify(ctx, *t.UserID, Message{
		Kind:      model.NotifyWeComTask,
		Title:     i18n.T(lang, "bulknotify.wecom_task_title", b.Title),
		Body:      i18n.T(lang, "bulknotify.wecom_task_body", t.Waiting, t.Deadline.In(s.zone(ctx)).Format("01-02 15:04")),
		Link:      "/bulk/" + strconv.FormatInt(b.ID, 10),
		Data:      map[string]any{"bulk_send_id": b.ID, "task_id": t.ID, "receivers": t.Waiting, "deadline": t.Deadline},
		DedupeKey: "wecom_task:" + strconv.FormatInt(t.ID, 10),
	})
	if err != nil && !errors.Is(err, ErrDuplicate) {
		s.log.Warn("notifications: wecom task", "bulk_send", b.ID, "task", t.ID, "err", err)
	}
}

// WeComUnsent tells the rep who sent the single-contact WeCom message d
// that it ended unsent, so no record was written; planID is the plan it
// served, still open.
func (s *Service) WeComUnsent(ctx context.Context, d *model.Delivery, planID *int64) {
	if d.UserID == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	_, err := s.Notify(ctx, *d.UserID, unsentMessage(s.language(ctx, *d.UserID), d, planID))
	if err != nil && !errors.Is(err, ErrDuplicate) {
		s.log.Warn("notifications: wecom unsent", "delivery", d.ID, "err", err)
	}
}

// unsentMessage is the notification of a WeCom message d that did not go,
// in lang: why, and that the plan it served is still open.
func unsentMessage(lang string, d *model.Delivery, planID *int64) Message {
	body, link := i18n.T(lang, "singlenotify.wecom_unsent_body", i18n.T(lang, "bulkreason."+d.Reason)), ""
	if d.CustomerID != nil {
		link = "/customers/" + strconv.FormatInt(*d.CustomerID, 10)
	}
	if planID != nil {
		body += i18n.T(lang, "singlenotify.wecom_unsent_plan")
		link = "/plans/" + strconv.FormatInt(*planID, 10)
	}
	return Message{
		Kind:      model.NotifyWeComUnsent,
		Title:     i18n.T(lang, "singlenotify.wecom_unsent_title", cut(d.Body, 21)),
		Body:      body,
		Link:      link,
		Data:      map[string]any{"delivery_id": d.ID, "reason": d.Reason, "plan_id": planID},
		DedupeKey: "wecom_unsent:" + strconv.FormatInt(d.ID, 10),
	}
}

// zone is the company's time zone, in which notifications state times.
func (s *Service) zone(ctx context.Context) *time.Location {
	st, err := s.store.Settings(ctx)
	if err != nil {
		return time.Local
	}
	return quiet.New(st).Home()
}
