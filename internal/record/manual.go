package record

import (
	"context"
	"slices"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// ManualInput is a contact recorded by hand: a call, a visit, a WeChat
// conversation…
type ManualInput struct {
	Common
	Channel     string    `json:"channel"`
	ContactedAt time.Time `json:"contacted_at"`
}

// clockSkew is how far in the future a contacted-at time may be, to allow
// for clocks of browsers and servers that disagree a little.
const clockSkew = 2 * time.Minute

// AddManual records a contact that happened outside Touchbase. The user
// must be allowed to contact the customer.
func (s *Service) AddManual(ctx context.Context, p permission.Policy, in ManualInput) (*model.Record, error) {
	t, err := s.resolve(ctx, p, in.ContactID)
	if err != nil {
		return nil, err
	}
	var errs model.ValidationErrors
	if err := s.checkCommon(ctx, &in.Common, &errs); err != nil {
		return nil, err
	}
	next := s.planFor(ctx, p, &in.Common, t, &errs)
	if !slices.Contains(model.ManualChannels, in.Channel) {
		errs.Add("channel", "invalid", "channel must be one of phone, visit, wechat, email, sms, other")
	}
	switch {
	case in.ContactedAt.IsZero():
		errs.Add("contacted_at", "required", "contact time is required")
	case in.ContactedAt.After(s.now().Add(clockSkew)):
		errs.Add("contacted_at", "in_future", "contact time cannot be in the future")
	case in.ContactedAt.Before(s.now().AddDate(-20, 0, 0)):
		errs.Add("contacted_at", "too_old", "contact time is too far in the past")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	uid := p.UserID
	r := &model.Record{
		CustomerID: t.customer.ID, ContactID: &t.contact.ID, UserID: &uid, Channel: in.Channel,
		Source: model.SourceManual, Status: model.RecordDone, Title: in.Title, Summary: in.Summary,
		TopicIDs: in.TopicIDs, PlanID: in.PlanID, ContactedAt: in.ContactedAt,
	}
	switch in.Channel {
	case model.ChannelSMS, model.ChannelPhone:
		r.Address = t.contact.Mobile
	case model.ChannelEmail:
		r.Address = t.contact.Email
	}
	if in.PlanID == nil {
		if err := s.store.CreateRecord(ctx, r); err != nil {
			return nil, err
		}
	} else {
		r.Source = model.SourcePlan
		if err := s.store.CreateRecordForPlan(ctx, r, next, s.planScheduler()); err != nil {
			return nil, err
		}
	}
	r.CustomerName, r.ContactName = t.customer.Name, t.contact.Name
	return r, nil
}
