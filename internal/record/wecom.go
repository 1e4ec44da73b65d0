package record

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/wecom"
)

// A single contact by WeCom (企业微信) is a message from the rep's own
// WeCom to the customer's WeChat. WeCom sends it only when the rep
// confirms it in the WeCom client, so its delivery waits ("awaiting")
// with the record it is to write; a poller reads what became of it and
// writes the record, completing the plan it serves, once it is sent.
// Unsent (not confirmed in time, no longer a friend, the monthly share
// received, withdrawn), it writes no record and the plan stays open.

// WeCom is what single contacts need of WeCom.
type WeCom interface {
	RouteFor(ctx context.Context, userID, contactID int64, field string) (wecom.Route, error)
	StartSingle(ctx context.Context, r wecom.Route, text string, atts []model.WeComAttachment) (wecom.Started, error)
	ReadSingle(ctx context.Context, msgID string, r wecom.Route, deadline time.Time) (wecom.SingleOutcome, error)
	WithdrawSingle(ctx context.Context, msgID string) error
}

// WeComContent is a WeCom message: text (with merge fields) and link or
// picture attachments.
type WeComContent struct {
	Text        string                  `json:"text"`
	Attachments []model.WeComAttachment `json:"attachments,omitempty"`
}

// SetWeCom lets single contacts use WeCom through w; poll is how often a
// waiting message is looked at.
func (s *Service) SetWeCom(w WeCom, poll time.Duration) { s.wecom, s.weComPoll = w, poll }

// UnsentFunc hears of a WeCom message that ended without going, and of
// the plan it served (still open).
type UnsentFunc func(ctx context.Context, d *model.Delivery, planID *int64)

// OnWeComUnsent sets the function told of every WeCom message that ends
// unsent, except those the rep withdrew.
func (s *Service) OnWeComUnsent(f UnsentFunc) { s.onUnsent = f }

// weComOut is a WeCom message ready to go.
type weComOut struct {
	route   wecom.Route
	text    string
	atts    []model.WeComAttachment
	content string // what its record keeps
}

// prepareWeCom checks the WeCom message of in and how it reaches the
// contact, adding what is wrong to errs; nil when no WeCom message is sent.
func (s *Service) prepareWeCom(ctx context.Context, t *target, user *model.User, in SingleInput, errs *model.ValidationErrors) (*weComOut, error) {
	w := in.WeCom
	if w == nil || t.customer.DoNotContact {
		return nil, nil
	}
	if !model.HasWeComContent(w.Text, w.Attachments) {
		errs.Add("wecom.text", "required", "write the message, or add a link or a picture")
		return nil, nil
	}
	before := len(*errs)
	model.CheckWeComContent(errs, "wecom.text", "wecom.attachments", &w.Text, w.Attachments)
	text := w.Text
	if len(*errs) == before && w.Text != "" {
		var ok bool
		if text, ok = render(errs, "wecom.text", w.Text, mergeData(t, user), model.MaxWeComTextBytes); !ok {
			return nil, nil
		}
	}
	if s.wecom == nil {
		errs.Add("wecom", "not_connected", "WeCom is not connected; an admin connects it in Settings")
		return nil, nil
	}
	route, err := s.wecom.RouteFor(ctx, user.ID, t.contact.ID, "wecom")
	if fe, ok := model.AsValidation(err); ok {
		*errs = append(*errs, fe...)
		return nil, nil
	}
	if err != nil || len(*errs) > before {
		return nil, err
	}
	return &weComOut{route: route, text: text, atts: w.Attachments, content: model.WeComContentText(text, w.Attachments)}, nil
}

// staleStart is how long a WeCom delivery may stay "sending" before it is
// taken for one whose process stopped while WeCom was creating its task.
const staleStart = 2 * time.Minute

// sendWeCom creates the WeCom task of o, its delivery logged first with
// the job that follows it up, so a process that stops during the call
// leaves a delivery the job settles: it is never created twice.
func (s *Service) sendWeCom(ctx context.Context, p permission.Policy, t *target, c Common, o *weComOut) (ChannelResult, error) {
	pending, err := json.Marshal(c)
	if err != nil {
		return ChannelResult{}, err
	}
	uid := p.UserID
	d := &model.Delivery{Kind: model.ChannelWeCom, Provider: wecom.Provider, Address: o.route.External,
		CustomerID: &t.customer.ID, ContactID: &t.contact.ID, UserID: &uid, Body: o.content, Sender: o.route.Sender,
		Pending: string(pending)}
	err = s.store.CreateDelivery(ctx, d, func(tx *sql.Tx) error {
		return s.queue.InsertTx(ctx, tx, WeComPollArgs{DeliveryID: d.ID},
			&river.InsertOpts{ScheduledAt: s.now().Add(s.weComPoll), UniqueOpts: weComPollUnique, MaxAttempts: 25})
	})
	if err != nil {
		return ChannelResult{}, err
	}
	res := ChannelResult{Channel: model.ChannelWeCom, Address: o.route.External, Provider: wecom.Provider, DeliveryID: d.ID}
	st, err := s.wecom.StartSingle(ctx, o.route, o.text, o.atts)
	if err != nil {
		st = wecom.Started{Reason: model.FailWeComRefused, Detail: err.Error()}
	}
	wctx := context.WithoutCancel(ctx)
	if st.Reason != "" {
		d.Reason, d.Detail = st.Reason, st.Detail
		if err := s.store.FailDelivery(wctx, d); err != nil {
			return res, err
		}
		res.Status, res.Reason, res.Detail = model.DeliveryFailed, d.Reason, d.Detail
		return res, nil
	}
	if err := s.store.AwaitDelivery(wctx, d, st.MsgID, st.Deadline); err != nil {
		return res, err
	}
	res.Status, res.ProviderID, res.Deadline = model.DeliveryConfirming, st.MsgID, &st.Deadline
	return res, nil
}

// WeComPollArgs reads what became of a single contact's WeCom message,
// until it is sent or ends unsent.
type WeComPollArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job.
func (WeComPollArgs) Kind() string { return "single_wecom_poll" }

// weComPollUnique keeps one poller per delivery.
var weComPollUnique = river.UniqueOpts{ByArgs: true}

type weComPollWorker struct {
	river.WorkerDefaults[WeComPollArgs]
	svc *Service
}

// NextRetry backs off from a failing WeCom: a poll interval, then twice
// as long each time.
func (w *weComPollWorker) NextRetry(job *river.Job[WeComPollArgs]) time.Time {
	return time.Now().Add(w.svc.weComPoll << min(job.Attempt, 6))
}

func (w *weComPollWorker) Work(ctx context.Context, job *river.Job[WeComPollArgs]) error {
	wait, err := w.svc.pollWeCom(ctx, job.Args.DeliveryID)
	if err != nil || wait == 0 {
		return err
	}
	return river.JobSnooze(wait)
}

// pollWeCom settles the WeCom delivery id if WeCom says what became of
// it, and returns how long to wait before looking again (0: settled).
func (s *Service) pollWeCom(ctx context.Context, id int64) (time.Duration, error) {
	d, err := s.store.DeliveryByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	switch d.Status {
	case model.DeliverySending:
		if age := s.now().Sub(d.CreatedAt); age < staleStart {
			return staleStart - age, nil
		}
		d.Reason, d.Detail = model.FailOutcomeUnknown, "the process creating the WeCom task stopped before WeCom's answer was kept"
		return 0, s.failWeCom(ctx, d)
	case model.DeliveryConfirming:
	default:
		return 0, nil
	}
	if s.wecom == nil {
		return s.weComPoll, nil
	}
	out, err := s.readWeCom(ctx, d)
	if err != nil {
		return 0, err
	}
	if !out.Done {
		return wecom.PollWait(s.now().Sub(d.CreatedAt), s.weComPoll), nil
	}
	return 0, s.settleWeCom(ctx, d, out)
}

// readWeCom reads what WeCom says became of the waiting delivery d.
func (s *Service) readWeCom(ctx context.Context, d *model.Delivery) (wecom.SingleOutcome, error) {
	return s.wecom.ReadSingle(ctx, d.ProviderMessageID, wecom.Route{Sender: d.Sender, External: d.Address}, *d.Deadline)
}

// settleWeCom ends delivery d as WeCom says: sent, with its record (which
// completes the plan it serves), or failed for the outcome's reason.
func (s *Service) settleWeCom(ctx context.Context, d *model.Delivery, out wecom.SingleOutcome) error {
	if out.Reason != "" {
		d.Reason = out.Reason
		return s.failWeCom(ctx, d)
	}
	c, err := pendingOf(d)
	if err != nil {
		return err
	}
	if d.CustomerID == nil {
		// The customer was deleted meanwhile: the message went, but
		// there is no one left to write its record for.
		return s.settled(s.store.CompleteDelivery(ctx, d, nil, nil, nil))
	}
	source := model.SourceSingle
	var next *model.Plan
	if c.PlanID != nil {
		source = model.SourcePlan
		// The rep's right to the plan was checked when they sent; its
		// roll to the next occurrence is computed now.
		pl, err := s.store.PlanByID(ctx, permission.Policy{Admin: true}, *c.PlanID)
		switch {
		case errors.Is(err, model.ErrNotFound):
			c.PlanID = nil
		case err != nil:
			return err
		case pl.Status == model.PlanOpen:
			if next, err = s.plans.Next(ctx, pl); err != nil {
				return err
			}
		}
	}
	r := &model.Record{
		CustomerID: *d.CustomerID, ContactID: d.ContactID, UserID: d.UserID, Channel: model.ChannelWeCom, Source: source,
		Status: model.RecordSent, Title: c.Title, Summary: c.Summary, Content: d.Body, Address: d.Address,
		Provider: d.Provider, ProviderMessageID: d.ProviderMessageID, PlanID: c.PlanID, TopicIDs: c.TopicIDs,
		ContactedAt: out.SentAt,
	}
	return s.settled(s.store.CompleteDelivery(ctx, d, r, next, s.planScheduler()))
}

// pendingOf is the record WeCom delivery d writes once it goes.
func pendingOf(d *model.Delivery) (Common, error) {
	var c Common
	if err := json.Unmarshal([]byte(d.Pending), &c); err != nil {
		return c, fmt.Errorf("record: the pending record of delivery %d: %w", d.ID, err)
	}
	return c, nil
}

// failWeCom ends WeCom delivery d unsent for its reason and tells its rep,
// unless they withdrew it themselves.
func (s *Service) failWeCom(ctx context.Context, d *model.Delivery) error {
	err := s.store.FailDelivery(ctx, d)
	if err != nil || s.onUnsent == nil || d.Reason == channel.ReasonCanceled {
		return s.settled(err)
	}
	c, err := pendingOf(d)
	if err != nil {
		return err
	}
	s.onUnsent(ctx, d, c.PlanID)
	return nil
}

// settled takes a delivery someone else settled first for done.
func (s *Service) settled(err error) error {
	if errors.Is(err, storage.ErrSettled) {
		return nil
	}
	return err
}

// waitingWeCom returns the caller's WeCom message deliveryID that waits
// for its member's confirmation: only the rep who sent it, or an admin,
// may act on it.
func (s *Service) waitingWeCom(ctx context.Context, p permission.Policy, deliveryID int64) (*model.Delivery, error) {
	d, err := s.store.DeliveryByID(ctx, deliveryID)
	if err != nil {
		return nil, err
	}
	if d.Kind != model.ChannelWeCom || !p.Admin && (d.UserID == nil || *d.UserID != p.UserID) {
		return nil, model.ErrNotFound
	}
	if d.Status != model.DeliveryConfirming {
		return nil, model.NewFieldError("delivery", "not_waiting", "this message no longer waits for confirmation")
	}
	if s.wecom == nil {
		return nil, model.NewFieldError("wecom", "not_connected", "WeCom is not connected")
	}
	return d, nil
}

// RefreshWeCom reads at once what became of the caller's waiting WeCom
// message (a rep who just confirmed it need not wait for the poller) and
// settles it if WeCom says: sent with its record, or ended unsent.
func (s *Service) RefreshWeCom(ctx context.Context, p permission.Policy, deliveryID int64) (*model.Delivery, error) {
	d, err := s.waitingWeCom(ctx, p, deliveryID)
	if err != nil {
		return nil, err
	}
	out, err := s.readWeCom(ctx, d)
	if err != nil {
		return nil, err
	}
	if out.Done {
		if err := s.settleWeCom(ctx, d, out); err != nil {
			return nil, err
		}
	}
	return s.store.DeliveryByID(ctx, deliveryID)
}

// WithdrawWeCom withdraws a WeCom message of a single contact that waits
// for its member's confirmation: only the rep who sent it, or an admin,
// may. A message the member confirmed meanwhile is settled as sent.
func (s *Service) WithdrawWeCom(ctx context.Context, p permission.Policy, deliveryID int64) (*model.Delivery, error) {
	d, err := s.waitingWeCom(ctx, p, deliveryID)
	if err != nil {
		return nil, err
	}
	if err := s.wecom.WithdrawSingle(ctx, d.ProviderMessageID); err != nil {
		return nil, err
	}
	out, err := s.readWeCom(ctx, d)
	if err != nil {
		return nil, err
	}
	if !out.Done {
		out = wecom.SingleOutcome{Done: true, Reason: channel.ReasonCanceled}
	}
	if err := s.settleWeCom(ctx, d, out); err != nil {
		return nil, err
	}
	return s.store.DeliveryByID(ctx, deliveryID)
}
