package record

import (
	"context"
	"errors"
	"strconv"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// sendOne sends one channel's message and records the outcome.
func (s *Service) sendOne(ctx context.Context, p permission.Policy, t *target, c Common, o outgoing, next *model.Plan) (ChannelResult, error) {
	ch, rate, err := s.channels.Channel(ctx, o.kind)
	if err != nil {
		return ChannelResult{}, err
	}
	defer ch.Close()
	if err := s.channels.Throttle(ctx, o.kind, 1, rate); err != nil {
		return ChannelResult{}, err
	}
	uid := p.UserID
	d := &model.Delivery{
		Kind: string(o.kind), Provider: ch.Name(), Address: o.address, CustomerID: &t.customer.ID,
		ContactID: &t.contact.ID, UserID: &uid, Subject: o.subject, Body: o.text,
	}
	if err := s.store.CreateDelivery(ctx, d, nil); err != nil {
		return ChannelResult{}, err
	}
	res := ChannelResult{Channel: string(o.kind), Address: o.address, Provider: ch.Name(), DeliveryID: d.ID}

	// The call runs to its own deadline even if the client goes away, so
	// the outcome is always recorded.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	providerID, sendErr := ch.Send(sctx, channel.Message{
		To: o.address, Subject: o.subject, Text: o.text, HTML: o.html, Ref: "d" + strconv.FormatInt(d.ID, 10),
		Template: o.template, TemplateParams: o.params, Sign: o.sign,
	})
	wctx := context.WithoutCancel(ctx)
	if sendErr != nil {
		d.Reason, d.Detail = channel.Reason(sendErr), sendErr.Error()
		var ce *channel.Error
		if errors.As(sendErr, &ce) && ce.Detail != "" {
			d.Detail = ce.Detail
		}
		if err := s.store.FailDelivery(wctx, d); err != nil {
			return res, err
		}
		res.Status, res.Reason, res.Detail, res.Transient = model.DeliveryFailed, d.Reason, d.Detail, channel.IsTransient(sendErr)
		return res, nil
	}
	d.ProviderMessageID = providerID
	source := model.SourceSingle
	if c.PlanID != nil {
		source = model.SourcePlan
	}
	r := &model.Record{
		CustomerID: t.customer.ID, ContactID: &t.contact.ID, UserID: &uid, Channel: string(o.kind), Source: source,
		Status: model.RecordSent, Title: c.Title, Summary: c.Summary, Subject: o.subject, Content: o.text,
		Address: o.address, Provider: ch.Name(), ProviderMessageID: providerID, PlanID: c.PlanID, TopicIDs: c.TopicIDs,
		ContactedAt: s.now(), QuietOverride: o.quietOverride,
	}
	if err := s.store.CompleteDelivery(wctx, d, r, next, s.planScheduler()); err != nil {
		return res, err
	}
	res.Status, res.ProviderID, res.RecordID = model.DeliverySent, providerID, r.ID
	return res, nil
}
