package bulk

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"touchbase/internal/channel/registry"
	"touchbase/internal/jobs"
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/smstemplate"
	"touchbase/internal/storage"
)

// Config tunes delivery. Zero fields take the defaults of DefaultConfig.
type Config struct {
	// ChunkSize is how many recipients one claim takes.
	ChunkSize int
	// Slots is how many dispatch jobs work one channel of a send at once
	// (spread over every process).
	Slots int
	// MaxAttempts bounds provider calls per recipient for transient errors.
	MaxAttempts int
	// MaxThrottledAttempts bounds them when the provider keeps asking us
	// to slow down: those retries wait out a growing pause of the whole
	// channel instead of failing the recipient.
	MaxThrottledAttempts int
	// RetryBase is the first retry delay; each further one doubles.
	RetryBase time.Duration
	// Lease is how long a claimed row may stay "sending" before it is
	// taken for abandoned by a dead worker.
	Lease time.Duration
	// WorkBudget is how long one dispatch job works before handing over
	// (so a restart or a new process joins quickly).
	WorkBudget time.Duration
	// HoldCheck is the longest a dispatch job waits before it looks again
	// at a send whose recipients wait (held for quiet hours, or retries):
	// a change of the quiet hours reaches held recipients within it.
	HoldCheck time.Duration
	// ApprovalWait is how long past its time a send may wait for approval
	// before it expires.
	ApprovalWait time.Duration
	// WeComPoll is how often, at first, the tasks of a WeCom send are read
	// back while members confirm them.
	WeComPoll time.Duration
	// HandOver is how many messages one dispatch job hands at once to a
	// channel that passes them to its provider one by one (SMTP) and
	// cannot ask it about one again: each group is marked handed before
	// it goes and settled as its answers come, so a stopped process
	// leaves at most Slots × HandOver recipients of unknown outcome.
	HandOver int
}

// DefaultConfig is the production tuning.
func DefaultConfig() Config {
	return Config{ChunkSize: 500, Slots: 4, MaxAttempts: 5, MaxThrottledAttempts: 20, RetryBase: 15 * time.Second, Lease: 2 * time.Minute,
		WorkBudget: 10 * time.Second, HoldCheck: 5 * time.Minute, ApprovalWait: DefaultApprovalWait,
		WeComPoll: 10 * time.Second, HandOver: 5}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.ChunkSize <= 0 {
		c.ChunkSize = d.ChunkSize
	}
	if c.Slots <= 0 {
		c.Slots = d.Slots
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.MaxThrottledAttempts <= 0 {
		c.MaxThrottledAttempts = d.MaxThrottledAttempts
	}
	c.MaxThrottledAttempts = max(c.MaxThrottledAttempts, c.MaxAttempts)
	if c.RetryBase <= 0 {
		c.RetryBase = d.RetryBase
	}
	if c.Lease <= 0 {
		c.Lease = d.Lease
	}
	if c.WorkBudget <= 0 {
		c.WorkBudget = d.WorkBudget
	}
	if c.HoldCheck <= 0 {
		c.HoldCheck = d.HoldCheck
	}
	if c.ApprovalWait <= 0 {
		c.ApprovalWait = d.ApprovalWait
	}
	if c.WeComPoll <= 0 {
		c.WeComPoll = d.WeComPoll
	}
	if c.HandOver <= 0 {
		c.HandOver = d.HandOver
	}
	return c
}

// FinishFunc is called once when a bulk send ends (done or cancelled).
type FinishFunc func(ctx context.Context, b *model.BulkSend)

// Service accepts and manages bulk sends.
type Service struct {
	store     *storage.Store
	channels  *registry.Registry
	templates *smstemplate.Service // nil: every SMS is free text
	queue     jobs.Queue
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	onFinish  FinishFunc
	// unsubscribe makes each e-mail recipient's one-click unsubscribe link.
	unsubscribe UnsubscribeFunc
	onSettled   SettledFunc
	onChunk     ChunkFunc
	onPause     PauseFunc
	approvals   ApprovalNotes
	wecom       WeCom // nil: WeCom sends are not offered
}

// UnsubscribeFunc returns the unsubscribe link of a message to address for
// a contact.
type UnsubscribeFunc func(contactID int64, address string) string

// SettledFunc hears, after a chunk's transaction, which provider message
// ids and refs the chunk sent (early receipts for them can now match).
type SettledFunc func(ctx context.Context, provider string, messageIDs, refs []string)

// OnSettled sets the function told of every settled chunk.
func (s *Service) OnSettled(f SettledFunc) { s.onSettled = f }

// NewService returns a Service; SMS on a template channel go through
// templates. queue may be set later with SetQueue (the queue's workers need
// the service first).
func NewService(store *storage.Store, channels *registry.Registry, templates *smstemplate.Service, cfg Config, log *slog.Logger,
	now func() time.Time, onFinish FinishFunc) *Service {
	return &Service{store: store, channels: channels, templates: templates, cfg: cfg.withDefaults(), log: log, now: now, onFinish: onFinish}
}

// SetQueue sets the job queue jobs are inserted into.
func (s *Service) SetQueue(q jobs.Queue) { s.queue = q }

// SetUnsubscribe makes every bulk e-mail carry the link fn returns for its
// recipient (List-Unsubscribe, RFC 8058). Call it before sends start.
func (s *Service) SetUnsubscribe(fn UnsubscribeFunc) { s.unsubscribe = fn }

// Input is a bulk send as the operator writes it.
type Input struct {
	Title    string  `json:"title"`
	TopicIDs []int64 `json:"topic_ids"`
	Summary  string  `json:"summary"`
	SMSText  string  `json:"sms_text"`
	// On a channel that sends approved templates only: the template and
	// the values of the variables the operator fills.
	SMSTemplateID *int64            `json:"sms_template_id,omitempty"`
	SMSParams     map[string]string `json:"sms_params,omitempty"`
	// Marketing marks a promotional send: only it may use a marketing
	// template.
	Marketing    bool   `json:"marketing"`
	EmailSubject string `json:"email_subject"`
	EmailBody    string `json:"email_body"`
	// WeComText and WeComAttachments make a customer mass message (客户群发)
	// through WeCom: the same for every customer, so without merge fields.
	WeComText        string                     `json:"wecom_text"`
	WeComAttachments []model.WeComAttachment    `json:"wecom_attachments"`
	ScheduledAt      *time.Time                 `json:"scheduled_at"` // nil: send now
	Recipients       storage.RecipientSelection `json:"recipients"`
}

// MaxTicked bounds the contacts an operator may tick one by one; larger
// selections are made with a filter ("all N matching").
const MaxTicked = 5000

// validate checks the content and schedule.
func (s *Service) validate(ctx context.Context, in *Input) error {
	var errs model.ValidationErrors
	in.Title = strings.TrimSpace(in.Title)
	errs.Text("title", in.Title, true, 200)
	errs.Text("summary", in.Summary, false, 5000)
	filler, tpl, err := s.smsTemplate(ctx, *in, false)
	if ve, ok := model.AsValidation(err); ok {
		errs = append(errs, ve...)
	} else if err != nil {
		return err
	}
	if filler != nil {
		// The send keeps the template's text for its lists; each message
		// is filled from the template when it goes out.
		in.SMSText = smstemplate.Signed(filler.Sign(), tpl.Content)
	}
	if in.SMSText == "" && in.EmailSubject == "" && in.EmailBody == "" && in.WeComText == "" && len(in.WeComAttachments) == 0 {
		errs.Add("channels", "required", "write an SMS text, an e-mail or a WeCom message")
	}
	if err := s.validateWeCom(ctx, in, &errs); err != nil {
		return err
	}
	check := func(field, src string, max int, required bool) {
		before := len(errs)
		if errs.Text(field, src, required, max); len(errs) > before {
			return
		}
		if err := message.Validate(src); err != nil {
			errs.Add(field, "invalid_template", err.Error())
		}
	}
	if in.SMSText != "" && tpl == nil {
		check("sms_text", in.SMSText, 1000, true)
	}
	if in.EmailSubject != "" || in.EmailBody != "" {
		check("email_subject", in.EmailSubject, 300, true)
		check("email_body", in.EmailBody, 100000, true)
	}
	if in.ScheduledAt != nil && in.ScheduledAt.Before(s.now().Add(-time.Minute)) {
		errs.Add("scheduled_at", "in_past", "the scheduled time is in the past")
	}
	if n := len(in.Recipients.ContactIDs); n > MaxTicked {
		errs.Add("recipients.contact_ids", "too_many", "tick at most 5000 contacts; use a filter for more")
	}
	for _, id := range in.TopicIDs {
		t, err := s.store.TopicByID(ctx, id)
		if err == model.ErrNotFound || (err == nil && !t.Active) {
			errs.Add("topic_ids", "not_found", "unknown or retired topic")
			break
		} else if err != nil {
			return err
		}
	}
	return errs.Err()
}

// Create accepts a bulk send: when it returns, the send and every recipient
// row are durable and the send is queued to start at its time.
func (s *Service) Create(ctx context.Context, p permission.Policy, user *model.User, in Input) (*model.BulkSend, error) {
	if err := s.validate(ctx, &in); err != nil {
		return nil, err
	}
	sel, _ := json.Marshal(in.Recipients)
	uid := user.ID
	b := &model.BulkSend{
		UserID: &uid, Title: in.Title, Summary: strings.TrimSpace(in.Summary), TopicIDs: in.TopicIDs, SMSText: in.SMSText,
		SMSTemplateID: in.SMSTemplateID, SMSParams: in.SMSParams, Marketing: in.Marketing,
		EmailSubject: in.EmailSubject, EmailBody: in.EmailBody, WeComText: in.WeComText, WeComAttachments: in.WeComAttachments,
		Selection: string(sel), Status: model.BulkScheduled,
		ScheduledAt: s.now(),
	}
	dr, err := s.estimate(ctx, p, user, in, b.Channels())
	if err != nil {
		return nil, err
	}
	if dr.Daily.Over(dr.Messages) {
		return nil, model.NewFieldError("recipients", "daily_limit", fmt.Sprintf(
			"reps may send %d bulk messages a day; %d sent today, this send has %d", dr.Daily.Limit, dr.Daily.Used, dr.Messages))
	}
	b.EstimatedMessages, b.EstimatedCost = dr.Messages, dr.Cost
	switch {
	case dr.Approval != "":
		// It waits, scheduled, for an approver.
		b.Approval = &model.Approval{State: model.ApprovalWaiting, Need: dr.Approval}
		if in.ScheduledAt != nil && in.ScheduledAt.After(b.ScheduledAt) {
			b.ScheduledAt = *in.ScheduledAt
		}
	case in.ScheduledAt != nil && in.ScheduledAt.After(b.ScheduledAt):
		b.ScheduledAt = *in.ScheduledAt
	default:
		// Due now: it is stored running and its dispatch queued at once.
		b.Status = model.BulkRunning
	}
	if err := s.store.CreateBulkSend(ctx, p, b, in.Recipients); err != nil {
		return nil, err
	}
	// Before any dispatch job exists: the canary is part of the send.
	st, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	if n := canarySize(b.Counts.Total-b.Counts.Skipped, st.CanaryPercent, st.CanaryMax); n > 0 {
		if b.CanaryLastID, err = s.store.SetCanary(ctx, b.ID, n); err != nil {
			return nil, err
		}
		if b.CanaryLastID > 0 {
			b.CanarySize = n
		}
	}
	b.UserName = user.Name()
	// Should this insert be lost (crash right here), the sweeper finds the
	// due or running send and queues it.
	switch {
	case b.Approval != nil:
		b.Status = model.BulkAwaitingApproval
		if err := s.requestApproval(ctx, b); err != nil {
			s.log.Warn("tell approvers of a bulk send", "bulk_send", b.ID, "err", err)
		}
		return b, nil
	case b.Status == model.BulkRunning:
		err = s.enqueueDispatch(ctx, b, 0)
	default:
		err = s.enqueueStart(ctx, b.ID, b.ScheduledAt)
	}
	if err != nil {
		s.log.Warn("queue bulk send; the sweeper will", "bulk_send", b.ID, "err", err)
	}
	return b, nil
}

// Preview counts, per channel, who a selection would reach and who it would
// skip, by reason.
func (s *Service) Preview(ctx context.Context, p permission.Policy, sel storage.RecipientSelection, channels []string) (map[string]map[string]int, error) {
	return s.store.PreviewRecipients(ctx, p, sel, channels)
}

// Get returns a bulk send the user may see.
func (s *Service) Get(ctx context.Context, p permission.Policy, id int64) (*model.BulkSend, error) {
	return s.store.BulkSendByID(ctx, p, id)
}

// List returns the bulk sends the user may see, newest first.
func (s *Service) List(ctx context.Context, p permission.Policy, beforeID int64, limit int) ([]*model.BulkSend, error) {
	return s.store.ListBulkSends(ctx, p, beforeID, limit)
}

// Recipients lists recipients of a bulk send the user may see, those
// whose customer they may see now.
func (s *Service) Recipients(ctx context.Context, p permission.Policy, id int64, f storage.RecipientFilter) ([]*model.BulkRecipient, error) {
	if _, err := s.store.BulkSendByID(ctx, p, id); err != nil {
		return nil, err
	}
	f.Viewer = &p // who may see the send sees only the recipients they may see now
	return s.store.ListRecipients(ctx, id, f)
}

// Cancel stops a scheduled, running or paused send; its pending recipients become
// skipped ("cancelled"). Only its operator or an admin may cancel.
func (s *Service) Cancel(ctx context.Context, p permission.Policy, id int64) error {
	if _, err := s.manage(ctx, p, id); err != nil {
		return err
	}
	ok, err := s.store.CancelBulkSend(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return model.NewFieldError("status", "not_cancellable", "only a scheduled, running or paused send can be cancelled")
	}
	b, err := s.store.BulkSendByID(ctx, permission.Policy{Admin: true}, id)
	if err != nil {
		return nil
	}
	if s.wecom != nil && slices.Contains(b.Channels(), model.ChannelWeCom) {
		// Tasks waiting for their members are withdrawn: a cancelled send
		// is not waiting for anyone.
		if err := s.wecom.CancelTasks(ctx, b); err != nil {
			s.log.Warn("cancel wecom tasks; the poller settles them", "bulk_send", id, "err", err)
		}
		if b, err = s.store.BulkSendByID(ctx, permission.Policy{Admin: true}, id); err != nil {
			return nil
		}
	}
	if s.onFinish != nil {
		s.onFinish(ctx, b)
	}
	return nil
}

// RetryFailed re-queues the failed recipients of a send as a new attempt.
// Those whose outcome is unknown (interrupted while a provider that
// cannot be asked again had them) may have arrived: they are re-queued
// only when includeUnknown, which the operator chooses knowingly.
func (s *Service) RetryFailed(ctx context.Context, p permission.Policy, id int64, includeUnknown bool) (int64, error) {
	b, err := s.manage(ctx, p, id)
	if err != nil {
		return 0, err
	}
	switch b.Status {
	case model.BulkCancelled, model.BulkScheduled, model.BulkPaused, model.BulkAwaitingApproval, model.BulkRejected, model.BulkExpired:
		return 0, model.NewFieldError("status", "not_retryable", "only a running or finished send can retry its failures")
	}
	n, err := s.store.RetryFailedRecipients(ctx, id, includeUnknown)
	if err != nil || n == 0 {
		return n, err
	}
	return n, s.enqueueDispatch(ctx, b, s.now().UnixNano())
}

// uniqueArgs makes a job unique by its arguments while it is waiting or
// running, so sweeps and retries never double a job.
var uniqueArgs = &river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}

// enqueueStart queues the start of a send at its time.
func (s *Service) enqueueStart(ctx context.Context, id int64, at time.Time) error {
	_, err := s.queue.Insert(ctx, StartArgs{BulkSendID: id}, &river.InsertOpts{ScheduledAt: at, UniqueOpts: *uniqueArgs})
	return err
}

// enqueueDispatch queues the dispatch slots of every channel of a running
// send together, so that workers hear of them at once.
func (s *Service) enqueueDispatch(ctx context.Context, b *model.BulkSend, round int64) error {
	var params []river.InsertManyParams
	for _, ch := range b.Channels() {
		slots := s.cfg.Slots
		if ch == model.ChannelWeCom {
			slots = 1 // one job hands every member their task
		}
		for slot := 0; slot < slots; slot++ {
			params = append(params, river.InsertManyParams{
				Args:       DispatchArgs{BulkSendID: b.ID, Channel: ch, Slot: slot, Round: round},
				InsertOpts: &river.InsertOpts{UniqueOpts: *uniqueArgs, MaxAttempts: 25},
			})
		}
	}
	if len(params) == 0 {
		return nil
	}
	return s.queue.InsertMany(ctx, params)
}
