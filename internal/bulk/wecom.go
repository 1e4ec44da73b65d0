package bulk

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/wecom"
)

// WeCom is the WeCom side of bulk sends: it hands recipients to
// customer mass-message tasks, which their members confirm in the WeCom
// client, and reads back what became of them.
type WeCom interface {
	// Hand gives the send's pending WeCom recipients to tasks, claiming
	// them as holder; those whose customer operator may no longer see
	// are skipped.
	Hand(ctx context.Context, b *model.BulkSend, holder string, operator permission.Policy) error
	// Poll settles what the send's tasks have done and reports whether
	// any recipient still waits.
	Poll(ctx context.Context, b *model.BulkSend) (bool, error)
	// CancelTasks stops the send's waiting tasks.
	CancelTasks(ctx context.Context, b *model.BulkSend) error
	// Remind reminds the members who have not confirmed.
	Remind(ctx context.Context, b *model.BulkSend, userID int64) (int, error)
	// RemindersLeft is how many reminders the send may still give today.
	RemindersLeft(ctx context.Context, b *model.BulkSend) (int, error)
	// Connected reports whether WeCom is connected.
	Connected(ctx context.Context) (bool, error)
	// OverMonthlyLimit counts the contacts of sel that have had their
	// monthly share of mass messages.
	OverMonthlyLimit(ctx context.Context, p permission.Policy, sel storage.RecipientSelection) (int, error)
}

// dryRunWeCom counts, in the dry run of a WeCom channel, the contacts
// that have had their monthly share of mass messages.
func (s *Service) dryRunWeCom(ctx context.Context, p permission.Policy, in Input, run *ChannelRun) error {
	if s.wecom == nil || run.Send <= 0 {
		return nil
	}
	n, err := s.wecom.OverMonthlyLimit(ctx, p, in.Recipients)
	if err != nil || n == 0 {
		return err
	}
	n = min(n, run.Send)
	run.Send -= n
	run.Skipped[model.SkipWeComMonthlyLimit] += n
	return nil
}

// validateWeCom checks the WeCom message of in, adding what is wrong to
// errs.
func (s *Service) validateWeCom(ctx context.Context, in *Input, errs *model.ValidationErrors) error {
	if !model.HasWeComContent(in.WeComText, in.WeComAttachments) {
		in.WeComText = ""
		return nil
	}
	connected := false
	if s.wecom != nil {
		var err error
		if connected, err = s.wecom.Connected(ctx); err != nil {
			return err
		}
	}
	if !connected {
		errs.Add("wecom_text", "not_connected", "WeCom is not connected; an admin connects it in Settings")
		return nil
	}
	model.CheckWeComContent(errs, "wecom_text", "wecom_attachments", &in.WeComText, in.WeComAttachments)
	if len(in.WeComText) > model.MaxWeComTextBytes {
		return nil
	}
	if t, err := message.Parse(in.WeComText); err != nil {
		errs.Add("wecom_text", "invalid_template", err.Error())
	} else if len(t.Fields()) > 0 {
		errs.Add("wecom_text", "merge_fields", "a WeCom mass message is the same for every customer: it cannot hold merge fields")
	}
	return nil
}

// SetWeCom lets sends use WeCom through w.
func (s *Service) SetWeCom(w WeCom) { s.wecom = w }

// PollArgs reads back what a send's WeCom tasks have done, until none
// waits.
type PollArgs struct {
	BulkSendID int64 `json:"bulk_send_id"`
}

// Kind names the job.
func (PollArgs) Kind() string { return "bulk_wecom_poll" }

// dispatchWeCom hands a send's WeCom recipients to their members' tasks,
// and makes sure a poller follows them.
func (s *Service) dispatchWeCom(ctx context.Context, b *model.BulkSend) error {
	if s.wecom == nil {
		if _, err := s.store.SkipPendingRecipients(ctx, b.ID, model.ChannelWeCom, model.SkipWeComNotConnected); err != nil {
			return err
		}
		return s.finishIfDone(ctx, b.ID)
	}
	// Rows a stopped worker claimed and handed to no task go back to be
	// handed: no task holds them, so none can have been sent (nor marked
	// handed, which rows a task holds need not be).
	if _, err := s.store.ResolveStaleSending(ctx, b.ID, model.ChannelWeCom, s.cfg.Lease, false); err != nil {
		return err
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	operator, err := s.operatorPolicy(ctx, b, st)
	if err != nil {
		return err
	}
	if err := s.wecom.Hand(ctx, b, holder(), operator); err != nil {
		return err
	}
	if err := s.enqueuePoll(ctx, b.ID); err != nil {
		return err
	}
	// Recipients WeCom asked us to hand again later (throttled).
	next, pending, err := s.store.NextRecipientAttempt(ctx, b.ID, model.ChannelWeCom)
	if err != nil {
		return err
	}
	if pending {
		return river.JobSnooze(min(max(next.Sub(s.now()), time.Second), s.cfg.HoldCheck))
	}
	return s.finishIfDone(ctx, b.ID)
}

func (s *Service) enqueuePoll(ctx context.Context, id int64) error {
	_, err := s.queue.Insert(ctx, PollArgs{BulkSendID: id}, &river.InsertOpts{ScheduledAt: s.now().Add(s.cfg.WeComPoll),
		UniqueOpts: *uniqueArgs, MaxAttempts: 25})
	return err
}

// pollWait is how long the poller waits before it looks again at a send
// started at started.
func (s *Service) pollWait(started time.Time) time.Duration {
	return wecom.PollWait(s.now().Sub(started), s.cfg.WeComPoll)
}

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	svc *Service
}

// NextRetry backs off from a failing WeCom (errors, throttling): its
// first retry after a poll interval, then twice as long each time.
func (w *pollWorker) NextRetry(job *river.Job[PollArgs]) time.Time {
	return time.Now().Add(w.svc.cfg.WeComPoll << min(job.Attempt, 6))
}

func (w *pollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	s := w.svc
	if s.wecom == nil {
		return nil
	}
	b, err := s.store.BulkSendToWork(ctx, job.Args.BulkSendID)
	if err != nil {
		return err
	}
	if b.Status == model.BulkCancelled {
		// Cancelled while its tasks were being created: withdraw them.
		return s.wecom.CancelTasks(ctx, b)
	}
	waiting, err := s.wecom.Poll(ctx, b)
	if err != nil {
		return err
	}
	if waiting {
		started := b.CreatedAt
		if b.StartedAt != nil {
			started = *b.StartedAt
		}
		return river.JobSnooze(s.pollWait(started))
	}
	return s.finishIfDone(ctx, b.ID)
}

// RemindWeCom reminds the members who have not confirmed their tasks of
// a send. Only its operator or an admin may.
func (s *Service) RemindWeCom(ctx context.Context, p permission.Policy, id int64) (int, error) {
	b, err := s.manage(ctx, p, id)
	if err != nil {
		return 0, err
	}
	if s.wecom == nil {
		return 0, model.NewFieldError("wecom", "not_connected", "WeCom is not connected")
	}
	return s.wecom.Remind(ctx, b, p.UserID)
}

// RefreshWeCom reads back at once what the WeCom tasks of a send the user
// may see have done (a member who just confirmed need not wait for the
// poller), and finishes the send when nothing waits any more.
func (s *Service) RefreshWeCom(ctx context.Context, p permission.Policy, id int64) error {
	seen, err := s.store.BulkSendByID(ctx, p, id)
	if err != nil {
		return err
	}
	if seen.Counts.Awaiting == 0 {
		return model.NewFieldError("wecom", "nothing_waiting", "no WeCom message of this send waits")
	}
	if s.wecom == nil {
		return model.NewFieldError("wecom", "not_connected", "WeCom is not connected")
	}
	b, err := s.store.BulkSendToWork(ctx, id)
	if err != nil {
		return err
	}
	waiting, err := s.wecom.Poll(ctx, b)
	if err != nil || waiting {
		return err
	}
	return s.finishIfDone(ctx, id)
}

// WeComTasks lists the WeCom tasks of a send the user may see, and how
// many reminders it may still give today.
func (s *Service) WeComTasks(ctx context.Context, p permission.Policy, id int64) ([]*model.WeComTask, int, error) {
	b, err := s.store.BulkSendByID(ctx, p, id)
	if err != nil {
		return nil, 0, err
	}
	tasks, err := s.store.WeComTasks(ctx, id)
	if err != nil || s.wecom == nil {
		return tasks, 0, err
	}
	left, err := s.wecom.RemindersLeft(ctx, b)
	return tasks, left, err
}
