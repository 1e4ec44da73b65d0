package wecom

import (
	"context"
	"errors"
	"slices"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/quiet"
	"touchbase/internal/storage"
)

// Provider is the provider name WeCom recipients and records carry.
const Provider = "wecom"

// TaskFunc hears of a task created for a member who is a user: they are
// to confirm it in the WeCom client.
type TaskFunc func(ctx context.Context, b *model.BulkSend, t *model.WeComTask)

// OnTask sets the function told of every task created.
func (s *Service) OnTask(f TaskFunc) { s.onTask = f }

// Connected reports whether WeCom is connected.
func (s *Service) Connected(ctx context.Context) (bool, error) {
	_, _, err := s.load(ctx)
	if errors.Is(err, ErrNotConfigured) {
		return false, nil
	}
	return err == nil, err
}

// OverMonthlyLimit counts the contacts of sel that have had this month
// as many mass messages from Touchbase as WeCom lets a customer receive.
func (s *Service) OverMonthlyLimit(ctx context.Context, p permission.Policy, sel storage.RecipientSelection) (int, error) {
	_, cfg, err := s.client(ctx)
	if err != nil {
		return 0, err
	}
	home, err := s.homeNow(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.CountWeComOverLimit(ctx, p, sel, cfg.monthlyLimit(home), monthStart(home))
}

// homeNow is the time now in the company's time zone.
func (s *Service) homeNow(ctx context.Context) (time.Time, error) {
	st, err := s.store.Settings(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return s.now().In(quiet.New(st).Home()), nil
}

// monthStart is the first instant of t's month, in t's zone.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// staleCreate is how long a task may stay "creating" before it is taken
// for one whose process stopped during add_msg_template.
const staleCreate = 2 * time.Minute

// callTimeout bounds one call that creates a task: it is not cut short by
// a stopping worker, since its answer must be kept.
const callTimeout = 30 * time.Second

// Hand gives the pending WeCom recipients of b to mass-message tasks: one
// per sending member (and per 10,000 receivers), each receiver followed
// by that member. A contact followed by several members goes to the one
// who is the customer's exclusive rep, else to the first of those who
// are users, else to the first follower: never to two. Contacts nobody
// follows now, or who have had their monthly share of mass messages, are
// skipped, and so are those whose customer operator may no longer see.
// Nothing is sent until each member confirms their task.
func (s *Service) Hand(ctx context.Context, b *model.BulkSend, holder string, operator permission.Policy) error {
	cl, cfg, err := s.client(ctx)
	if errors.Is(err, ErrNotConfigured) {
		_, err := s.store.SkipPendingRecipients(ctx, b.ID, model.ChannelWeCom, model.SkipWeComNotConnected)
		return err
	}
	if err != nil {
		return err
	}
	if err := s.resolveStale(ctx, b); err != nil {
		return err
	}
	home, err := s.homeNow(ctx)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := s.store.ClaimRecipients(ctx, b.ID, model.ChannelWeCom, MaxGroupMsgReceivers, holder)
		if err != nil || len(rows) == 0 {
			return err
		}
		if rows, err = s.skipUnseen(ctx, b, rows, holder, operator); err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		if err := s.handChunk(ctx, cl, cfg, b, rows, holder, monthStart(home), cfg.monthlyLimit(home)); err != nil {
			return err
		}
	}
}

// skipUnseen skips the claimed rows whose customer operator may no
// longer see (rights are checked when the send goes, not only when it
// was accepted) and returns the others.
func (s *Service) skipUnseen(ctx context.Context, b *model.BulkSend, rows []*model.BulkRecipient, holder string,
	operator permission.Policy) ([]*model.BulkRecipient, error) {
	unseen, err := s.store.UnseenCustomers(ctx, operator, rows)
	if err != nil || len(unseen) == 0 {
		return rows, err
	}
	var open []*model.BulkRecipient
	var skipped []storage.Outcome
	for _, r := range rows {
		if r.CustomerID != nil && unseen[*r.CustomerID] {
			skipped = append(skipped, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipNoPermission})
			continue
		}
		open = append(open, r)
	}
	return open, s.store.CompleteRecipients(ctx, b, Provider, holder, skipped)
}

// handChunk hands one claim of recipients to tasks.
func (s *Service) handChunk(ctx context.Context, cl *Client, cfg Config, b *model.BulkSend, rows []*model.BulkRecipient, holder string,
	month time.Time, limit int) error {
	ids, addrs := make([]int64, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		ids[i], addrs[i] = r.ID, r.Address
	}
	followers, err := s.store.WeComRecipientFollowers(ctx, ids)
	if err != nil {
		return err
	}
	received, err := s.store.WeComReceivedSince(ctx, addrs, month)
	if err != nil {
		return err
	}
	var skipped []storage.Outcome
	bySender := map[string][]*model.BulkRecipient{}
	users := map[string]*int64{}
	for _, r := range rows {
		fs := followers[r.ID]
		switch {
		case len(fs) == 0:
			skipped = append(skipped, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComNotFollowed})
		case received[r.Address] >= limit:
			skipped = append(skipped, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComMonthlyLimit})
		default:
			f := sender(fs)
			bySender[f.Member] = append(bySender[f.Member], r)
			users[f.Member] = f.UserID
		}
	}
	if err := s.store.CompleteRecipients(ctx, b, Provider, holder, skipped); err != nil {
		return err
	}
	senders := make([]string, 0, len(bySender))
	for m := range bySender {
		senders = append(senders, m)
	}
	slices.Sort(senders)
	for _, m := range senders {
		t := &model.WeComTask{BulkSendID: b.ID, Sender: m, UserID: users[m], Deadline: s.now().Add(cfg.confirmWait())}
		if err := s.createTask(ctx, cl, b, t, bySender[m], holder); err != nil {
			return err
		}
	}
	return nil
}

// sender picks who sends to a contact among its followers (in userid
// order): the customer's exclusive rep, else the first who is a user,
// else the first.
func sender(fs []storage.WeComFollower) storage.WeComFollower {
	for _, f := range fs {
		if f.IsRep {
			return f
		}
	}
	for _, f := range fs {
		if f.UserID != nil {
			return f
		}
	}
	return fs[0]
}

// createTask stores task t for its sender's receivers, then asks WeCom
// to create it. The task is stored first, so a process that stops during
// the call leaves a task "creating" that resolveStale settles as unknown:
// it is never created a second time.
func (s *Service) createTask(ctx context.Context, cl *Client, b *model.BulkSend, t *model.WeComTask, rows []*model.BulkRecipient,
	holder string) error {
	ids, addrs := make([]int64, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		ids[i], addrs[i] = r.ID, r.Address
	}
	if err := s.store.CreateWeComTask(ctx, t, holder, ids); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	msgID, refused, err := cl.AddGroupMsg(cctx, GroupMsg{Sender: t.Sender, Receivers: addrs, Text: b.WeComText,
		Attachments: attachments(b.WeComAttachments)})
	th := storage.WeComTaskHolder(t.ID)
	if err != nil {
		return s.taskRefused(ctx, b, t, rows, err)
	}
	if err := s.store.SetWeComTask(ctx, t.ID, model.WeComTaskWaiting, msgID, "", nil); err != nil {
		return err
	}
	t.State, t.MsgID = model.WeComTaskWaiting, msgID
	if len(refused) > 0 {
		gone := map[string]bool{}
		for _, id := range refused {
			gone[id] = true
		}
		var outs []storage.Outcome
		for _, r := range rows {
			if gone[r.Address] {
				outs = append(outs, storage.Outcome{Recipient: r, Skip: true, Reason: model.SkipWeComNotFriend})
			}
		}
		if err := s.store.CompleteRecipients(ctx, b, Provider, th, outs); err != nil {
			return err
		}
		t.Waiting -= len(outs)
	}
	s.log.Info("wecom mass-message task created", "bulk_send", b.ID, "task", t.ID, "sender", t.Sender, "receivers", t.Waiting)
	if t.Waiting > 0 && t.UserID != nil && s.onTask != nil {
		s.onTask(ctx, b, t)
	}
	return nil
}

// taskRefused settles the receivers of a task WeCom did not create. An
// answer with an error code is definite: throttling puts them back to be
// handed again in a minute, anything else fails them with WeCom's words.
// No answer (the network, a timeout) leaves it unknown whether WeCom
// created the task: they fail as outcome unknown, never handed twice.
func (s *Service) taskRefused(ctx context.Context, b *model.BulkSend, t *model.WeComTask, rows []*model.BulkRecipient, err error) error {
	f := refusalOf(err)
	state, o := model.WeComTaskFailed, storage.Outcome{Reason: f.reason, Detail: f.detail}
	switch {
	case f.unknown:
		state = model.WeComTaskUnknown
	case f.throttled:
		o.Retry, o.RetryAt = true, s.now().Add(time.Minute)
	case f.reason == model.SkipWeComNotFriend:
		o.Skip = true
	}
	s.log.Warn("wecom mass-message task not created", "bulk_send", b.ID, "task", t.ID, "sender", t.Sender, "err", err)
	if serr := s.store.SetWeComTask(ctx, t.ID, state, "", err.Error(), nil); serr != nil {
		return serr
	}
	return s.store.CompleteRecipients(ctx, b, Provider, storage.WeComTaskHolder(t.ID), each(rows, o))
}

// refusal is what an error of add_msg_template means for the task's
// receivers: their reason and detail; unknown when WeCom gave no answer
// (it may have created the task, so it is never created again),
// throttled when it asked to slow down.
type refusal struct {
	reason, detail     string
	unknown, throttled bool
}

// refusalOf reads the error of a task's creation.
func refusalOf(err error) refusal {
	var we *Error
	switch {
	case !errors.As(err, &we) || we.Code == 0 && we.Status == 0:
		return refusal{reason: model.FailOutcomeUnknown, detail: "WeCom gave no answer when the task was created: " + err.Error(), unknown: true}
	case Throttled(err):
		return refusal{reason: model.FailWeComRefused, detail: err.Error(), throttled: true}
	case we.Code == CodeNoFollow:
		return refusal{reason: model.SkipWeComNotFriend}
	}
	return refusal{reason: model.FailWeComRefused, detail: err.Error()}
}

// each is outcome o for every one of rows.
func each(rows []*model.BulkRecipient, o storage.Outcome) []storage.Outcome {
	outs := make([]storage.Outcome, len(rows))
	for i, r := range rows {
		outs[i] = o
		outs[i].Recipient = r
	}
	return outs
}

// resolveStale settles the tasks of b left "creating" by a process that
// stopped during the call: WeCom may or may not have created them, so
// their receivers fail as outcome unknown.
func (s *Service) resolveStale(ctx context.Context, b *model.BulkSend) error {
	tasks, err := s.store.WeComTasks(ctx, b.ID, model.WeComTaskCreating)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if s.now().Sub(t.CreatedAt) < staleCreate {
			continue
		}
		rows, err := s.store.WeComTaskRecipients(ctx, t.ID)
		if err != nil {
			return err
		}
		if err := s.taskRefused(ctx, b, t, rows, &Error{Path: "/cgi-bin/externalcontact/add_msg_template",
			Msg: "the process creating the task stopped before WeCom's answer was kept"}); err != nil {
			return err
		}
	}
	return nil
}

// attachments converts a send's attachments for add_msg_template.
func attachments(as []model.WeComAttachment) []Attachment {
	out := make([]Attachment, 0, len(as))
	for _, a := range as {
		if a.Kind == model.WeComImage {
			out = append(out, Attachment{ImageURL: a.URL})
			continue
		}
		out = append(out, Attachment{LinkTitle: a.Title, LinkURL: a.URL, LinkDesc: a.Desc, LinkPicURL: a.PicURL})
	}
	return out
}
