package wecom

import (
	"context"
	"errors"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// CodeNotWaiting is WeCom's answer to reminding or cancelling a task
// that no longer waits.
const CodeNotWaiting = 41062

// RemindsPerDay is how many reminders WeCom allows a task in 24 hours.
const RemindsPerDay = 3

// Poll reads what became of the waiting tasks of b and settles their
// receivers: sent (with their contact record), not a friend of the
// sender, over the monthly limit, or, past the task's deadline, not
// confirmed. It reports whether any receiver still waits.
func (s *Service) Poll(ctx context.Context, b *model.BulkSend) (bool, error) {
	cl, _, err := s.client(ctx)
	if err != nil {
		return true, err
	}
	if err := s.resolveStale(ctx, b); err != nil {
		return true, err
	}
	tasks, err := s.store.WeComTasks(ctx, b.ID, model.WeComTaskCreating, model.WeComTaskWaiting)
	if err != nil {
		return true, err
	}
	waiting := false
	for _, t := range tasks {
		if t.State == model.WeComTaskCreating {
			waiting = true
			continue
		}
		done, err := s.pollTask(ctx, cl, b, t, true)
		if err != nil {
			return true, err
		}
		waiting = waiting || !done
	}
	return waiting, nil
}

// PollWait is how long to wait before reading again a task that has
// waited for age: first at first, longer as it ages (a member who has not
// confirmed in an hour rarely does so within the minute), at most ten
// minutes.
func PollWait(age, first time.Duration) time.Duration {
	return min(max(age/20, first), 10*time.Minute)
}

// taskView is what WeCom says of one member's task.
type taskView struct {
	gone      bool           // WeCom knows no such task (any more): nothing of it was sent
	expired   bool           // unconfirmed past its deadline, and withdrawn
	late      bool           // past its deadline
	confirmed *time.Time     // when the member confirmed it; nil: not yet
	results   map[string]int // once confirmed, the send state of each receiver
}

// readTask reads what WeCom knows of task msgID of sender. With expire, a
// task still unconfirmed past deadline is withdrawn (cancel_groupmsg_send).
func (s *Service) readTask(ctx context.Context, cl *Client, msgID, sender string, deadline time.Time, expire bool) (taskView, error) {
	states, err := cl.GroupMsgTasks(ctx, msgID)
	if unknownTask(err) {
		s.log.Warn("wecom no longer knows a task", "msgid", msgID)
		return taskView{gone: true}, nil
	}
	if err != nil {
		return taskView{}, err
	}
	v := taskView{late: expire && s.now().After(deadline)}
	for _, st := range states {
		if st.Sender == sender && st.Status == TaskSent {
			at := s.now()
			if st.SentTime != nil {
				at = *st.SentTime
			}
			v.confirmed = &at
		}
	}
	if v.confirmed == nil {
		if v.late {
			if err := cl.CancelGroupMsg(ctx, msgID); err != nil && !notWaiting(err) {
				s.log.Warn("cancel an expired wecom task", "msgid", msgID, "err", err)
			}
			v.expired = true
		}
		return v, nil
	}
	results, err := cl.GroupMsgResults(ctx, msgID, sender)
	if err != nil {
		return taskView{}, err
	}
	v.results = make(map[string]int, len(results))
	for _, r := range results {
		v.results[r.ExternalUserID] = r.Status
	}
	return v, nil
}

// pollTask settles what WeCom knows of task t; expire gives up on a task
// past its deadline. It reports whether the task is over.
func (s *Service) pollTask(ctx context.Context, cl *Client, b *model.BulkSend, t *model.WeComTask, expire bool) (bool, error) {
	v, err := s.readTask(ctx, cl, t.MsgID, t.Sender, t.Deadline, expire)
	switch {
	case err != nil:
		return false, err
	case v.gone:
		return true, s.endTask(ctx, b, t, model.WeComTaskFailed, model.FailWeComTaskGone)
	case v.expired:
		return true, s.endTask(ctx, b, t, model.WeComTaskExpired, model.SkipWeComNotConfirmed)
	case v.confirmed == nil:
		return false, nil
	}
	confirmed, late := v.confirmed, v.late
	t.ConfirmedAt = confirmed
	rows, err := s.store.WeComTaskRecipients(ctx, t.ID)
	if err != nil {
		return false, err
	}
	text := model.WeComContentText(b.WeComText, b.WeComAttachments)
	var outs []storage.Outcome
	for _, r := range rows {
		switch v.results[r.Address] {
		case SendSent:
			outs = append(outs, storage.Outcome{Recipient: r, Sent: true, ProviderID: t.MsgID, Content: text})
		case SendNotFriend:
			outs = append(outs, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComNotFriend})
		case SendLimitReached:
			outs = append(outs, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComMonthlyLimit})
		default:
			// Confirmed but not sent yet: WeCom is still sending, until
			// the deadline.
			if late {
				outs = append(outs, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComNotConfirmed})
			}
		}
	}
	if err := s.store.CompleteRecipients(ctx, b, Provider, storage.WeComTaskHolder(t.ID), outs); err != nil {
		return false, err
	}
	state := model.WeComTaskWaiting
	if len(outs) == len(rows) {
		state = model.WeComTaskSent
	}
	if err := s.store.SetWeComTask(ctx, t.ID, state, "", "", confirmed); err != nil {
		return false, err
	}
	return state == model.WeComTaskSent, nil
}

// endTask ends task t in state, its waiting receivers skipped for reason
// (failed, when the task failed: the operator may send them again).
func (s *Service) endTask(ctx context.Context, b *model.BulkSend, t *model.WeComTask, state, reason string) error {
	rows, err := s.store.WeComTaskRecipients(ctx, t.ID)
	if err != nil {
		return err
	}
	o := storage.Outcome{Skip: state != model.WeComTaskFailed, Reason: reason}
	if err := s.store.CompleteRecipients(ctx, b, Provider, storage.WeComTaskHolder(t.ID), each(rows, o)); err != nil {
		return err
	}
	return s.store.SetWeComTask(ctx, t.ID, state, "", "", nil)
}

// CancelTasks stops the waiting tasks of b (cancel_groupmsg_send): what
// a member confirmed before is settled as sent, the rest is skipped as
// cancelled.
func (s *Service) CancelTasks(ctx context.Context, b *model.BulkSend) error {
	tasks, err := s.store.WeComTasks(ctx, b.ID, model.WeComTaskWaiting)
	if err != nil || len(tasks) == 0 {
		return err
	}
	cl, _, err := s.client(ctx)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		done, err := s.pollTask(ctx, cl, b, t, false)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		if t.ConfirmedAt == nil {
			if err := cl.CancelGroupMsg(ctx, t.MsgID); err != nil && !notWaiting(err) {
				return err
			}
		}
		if err := s.endTask(ctx, b, t, model.WeComTaskCancelled, model.SkipCancelled); err != nil {
			return err
		}
	}
	return nil
}

// RemindersLeft is how many reminders b may still give its waiting
// members in the 24 hours from now.
func (s *Service) RemindersLeft(ctx context.Context, b *model.BulkSend) (int, error) {
	n, err := s.store.WeComRemindersSince(ctx, b.ID, s.now().Add(-24*time.Hour))
	return max(RemindsPerDay-n, 0), err
}

// unconfirmed lists the tasks of b waiting for their member.
func (s *Service) unconfirmed(ctx context.Context, b *model.BulkSend) ([]*model.WeComTask, error) {
	tasks, err := s.store.WeComTasks(ctx, b.ID, model.WeComTaskWaiting)
	if err != nil {
		return nil, err
	}
	var out []*model.WeComTask
	for _, t := range tasks {
		if t.ConfirmedAt == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// Remind asks every member who has not confirmed their task of b to do
// so (remind_groupmsg_send), at most RemindsPerDay times in 24 hours,
// counted here so WeCom's limit is never hit. It returns how many members
// were reminded.
func (s *Service) Remind(ctx context.Context, b *model.BulkSend, userID int64) (int, error) {
	tasks, err := s.unconfirmed(ctx, b)
	if err != nil {
		return 0, err
	}
	if len(tasks) == 0 {
		return 0, model.NewFieldError("wecom", "nothing_waiting", "no member has a task of this send waiting")
	}
	cl, _, err := s.client(ctx)
	if err != nil {
		return 0, err
	}
	at := s.now()
	ok, err := s.store.AddWeComReminder(ctx, b.ID, userID, at, at.Add(-24*time.Hour), RemindsPerDay)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, model.NewFieldError("wecom", "remind_limit", "WeCom allows three reminders a day; try again tomorrow")
	}
	n := 0
	for _, t := range tasks {
		if err := cl.RemindGroupMsg(ctx, t.MsgID); err != nil {
			if notWaiting(err) {
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// CodeUnknownTask is WeCom's answer about a msgid it does not know.
const CodeUnknownTask = 41063

// unknownTask reports whether WeCom answered that it knows no such task.
func unknownTask(err error) bool {
	var we *Error
	return errors.As(err, &we) && we.Code == CodeUnknownTask
}

// notWaiting reports whether WeCom answered that a task no longer waits.
func notWaiting(err error) bool {
	var we *Error
	return errors.As(err, &we) && we.Code == CodeNotWaiting
}
