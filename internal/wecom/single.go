package wecom

import (
	"context"
	"errors"
	"slices"
	"time"

	"touchbase/internal/model"
)

// A single contact's WeCom message (单个联系 by 企业微信) goes out as a
// customer mass-message task of the rep's own member with one receiver:
// WeCom sends it when the rep confirms it in the WeCom client. This file
// finds who sends it to whom, creates the task and reads what became of
// it; the record service keeps the delivery and writes its record.

// Route is how a rep's WeCom message reaches a contact: the rep's member
// and the contact's WeChat identity that member follows.
type Route struct {
	Sender   string `json:"sender"`
	External string `json:"external_userid"`
}

// RouteFor finds how userID's WeCom message reaches contactID. What the
// rep can act on is a field error on field: WeCom not connected, no
// member for the user, no WeChat identity for the contact, the rep not
// its friend, or its monthly share of mass messages received.
func (s *Service) RouteFor(ctx context.Context, userID, contactID int64, field string) (Route, error) {
	_, cfg, err := s.client(ctx)
	if errors.Is(err, ErrNotConfigured) {
		return Route{}, model.NewFieldError(field, "not_connected", "WeCom is not connected; an admin connects it in Settings")
	}
	if err != nil {
		return Route{}, err
	}
	ids, err := s.store.WeComIdentitiesOf(ctx, contactID)
	if err != nil {
		return Route{}, err
	}
	if len(ids) == 0 {
		return Route{}, model.NewFieldError(field, "no_wecom", "this contact has not added anyone of the company on WeCom")
	}
	m, err := s.store.WeComMemberOfUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return Route{}, model.NewFieldError(field, "no_member", "your account is not linked to a WeCom member; an admin links it in Settings → WeCom")
	}
	if err != nil {
		return Route{}, err
	}
	var r Route
	for _, id := range ids {
		if slices.Contains(id.Followers, m.ID) {
			r = Route{Sender: m.ID, External: id.External}
			break
		}
	}
	if r.Sender == "" {
		return Route{}, model.NewFieldError(field, "not_followed", "you are not this contact's friend on WeCom")
	}
	home, err := s.homeNow(ctx)
	if err != nil {
		return Route{}, err
	}
	got, err := s.store.WeComReceivedSince(ctx, []string{r.External}, monthStart(home))
	if err != nil {
		return Route{}, err
	}
	if got[r.External] >= cfg.monthlyLimit(home) {
		return Route{}, model.NewFieldError(field, "monthly_limit", "this contact has received this month's share of WeCom mass messages")
	}
	return r, nil
}

// Started is the answer to creating a single message's task: its msgid
// and the time by which its member is to confirm it, or the reason
// nothing will go (WeCom refused it, or gave no answer: outcome unknown).
type Started struct {
	MsgID    string
	Deadline time.Time
	Reason   string
	Detail   string
}

// StartSingle creates the task of a single message of text and atts
// along r. It never creates it twice: a call that got no answer is
// reported as outcome unknown, not tried again.
func (s *Service) StartSingle(ctx context.Context, r Route, text string, atts []model.WeComAttachment) (Started, error) {
	cl, cfg, err := s.client(ctx)
	if err != nil {
		return Started{}, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	msgID, refused, err := cl.AddGroupMsg(cctx, GroupMsg{Sender: r.Sender, Receivers: []string{r.External}, Text: text,
		Attachments: attachments(atts)})
	switch {
	case err != nil:
		f := refusalOf(err)
		return Started{Reason: f.reason, Detail: f.detail}, nil
	case len(refused) > 0:
		return Started{Reason: model.SkipWeComNotFriend}, nil
	}
	return Started{MsgID: msgID, Deadline: s.now().Add(cfg.confirmWait())}, nil
}

// SingleOutcome is what became of a single message's task: still
// waiting (not Done), sent at SentAt, or ended unsent for Reason.
type SingleOutcome struct {
	Done   bool
	SentAt time.Time
	Reason string
}

// ReadSingle reads what became of the single message msgID along r, due
// by deadline: past it, a message its member has not confirmed is
// withdrawn and ends as not confirmed.
func (s *Service) ReadSingle(ctx context.Context, msgID string, r Route, deadline time.Time) (SingleOutcome, error) {
	cl, _, err := s.client(ctx)
	if err != nil {
		return SingleOutcome{}, err
	}
	v, err := s.readTask(ctx, cl, msgID, r.Sender, deadline, true)
	switch {
	case err != nil:
		return SingleOutcome{}, err
	case v.gone:
		return SingleOutcome{Done: true, Reason: model.FailWeComTaskGone}, nil
	case v.expired:
		return SingleOutcome{Done: true, Reason: model.SkipWeComNotConfirmed}, nil
	case v.confirmed == nil:
		return SingleOutcome{}, nil
	}
	switch v.results[r.External] {
	case SendSent:
		return SingleOutcome{Done: true, SentAt: *v.confirmed}, nil
	case SendNotFriend:
		return SingleOutcome{Done: true, Reason: model.SkipWeComNotFriend}, nil
	case SendLimitReached:
		return SingleOutcome{Done: true, Reason: model.SkipWeComMonthlyLimit}, nil
	}
	// Confirmed, but WeCom is still sending: until the deadline.
	if v.late {
		return SingleOutcome{Done: true, Reason: model.SkipWeComNotConfirmed}, nil
	}
	return SingleOutcome{}, nil
}

// WithdrawSingle withdraws a single message its member has not confirmed
// yet (cancel_groupmsg_send); one that no longer waits (its member
// confirmed it, or it ended) is no error: reading it says what it became.
func (s *Service) WithdrawSingle(ctx context.Context, msgID string) error {
	cl, _, err := s.client(ctx)
	if err != nil {
		return err
	}
	if err = cl.CancelGroupMsg(ctx, msgID); notWaiting(err) || unknownTask(err) {
		return nil
	}
	return err
}
