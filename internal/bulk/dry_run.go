package bulk

import (
	"context"
	"errors"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/quiet"
)

// DryRun is what a bulk send would do if it were accepted now, channel by
// channel: whom it reaches, whom it skips and why (frequency caps
// included), whom quiet hours hold, what it costs; and whether its
// operator must confirm it, or a manager approve it.
type DryRun struct {
	Channels []ChannelRun
	Messages int         // to send, every channel
	Cost     model.Money // estimated, of the channels with a price
	// Unpriced is set when a channel that sends has no price: the cost
	// leaves it out.
	Unpriced bool
	// Confirm: the operator is asked to confirm the count and the cost.
	Confirm bool
	// Approval is why the send would wait for approval (ApprovalMessages,
	// ApprovalCost, ApprovalBudget), or "".
	Approval string
	// Budget is the operator's team's monthly budget, when it has one.
	Budget *TeamBudget
	// Daily is the operator's daily limit, when one applies to them.
	Daily *DailyLimit
}

// DailyLimit is how many bulk messages a rep may send a day and how many
// they have sent today.
type DailyLimit struct {
	Limit, Used int
}

// Over reports whether messages more would go over the limit.
func (d *DailyLimit) Over(messages int) bool { return d != nil && d.Used+messages > d.Limit }

// TeamBudget is a team's budget of the month and what its sends of the
// month have cost so far.
type TeamBudget struct {
	Team   string
	Budget model.Money
	Spent  model.Money
}

// ChannelRun is one channel of a dry run.
type ChannelRun struct {
	Channel  string
	Provider string
	Total    int // recipients, skipped included
	Send     int
	Skipped  map[string]int // by reason
	// Held of those to send wait for quiet hours until HeldUntil (those
	// in the company's time zone; others are checked as they go out).
	Held      int
	HeldUntil *time.Time
	// Units are what the provider bills: SMS segments (from the sample
	// message's length), e-mails.
	Units     int
	UnitPrice model.Money
	Priced    bool
	Cost      model.Money
}

// Why a send waits for approval.
const (
	ApprovalMessages = model.ApprovalNeedMessages
	ApprovalCost     = model.ApprovalNeedCost
	ApprovalBudget   = model.ApprovalNeedBudget
)

// DryRun counts what in would do on channels for user, nothing stored.
// segments is the SMS length in parts of the sample message (0 or 1 for
// one part).
func (s *Service) DryRun(ctx context.Context, p permission.Policy, user *model.User, in Input, channels []string,
	segments int) (*DryRun, error) {
	counts, err := s.store.PreviewRecipients(ctx, p, in.Recipients, channels)
	if err != nil {
		return nil, err
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	at := s.now()
	if in.ScheduledAt != nil && in.ScheduledAt.After(at) {
		at = *in.ScheduledAt
	}
	rules := quiet.New(st)
	out := &DryRun{}
	for _, ch := range channels {
		run := ChannelRun{Channel: ch, Skipped: map[string]int{}}
		for reason, n := range counts[ch] {
			run.Total += n
			if reason == "" {
				run.Send = n
			} else {
				run.Skipped[reason] = n
			}
		}
		capped, err := s.store.CountFrequencyCapped(ctx, p, in.Recipients, ch, in.Marketing,
			model.CapsFor(st.FrequencyCaps, ch, in.Marketing), at)
		if err != nil {
			return nil, err
		}
		if capped > 0 {
			run.Send -= capped
			run.Skipped[model.SkipFrequencyCap] = capped
		}
		if ch == model.ChannelWeCom {
			// Members choose when to confirm: no quiet hours hold them.
			if err := s.dryRunWeCom(ctx, p, in, &run); err != nil {
				return nil, err
			}
		} else if err := s.dryRunHeld(ctx, p, in, ch, rules, at, &run); err != nil {
			return nil, err
		}
		run.Units = run.Send
		if ch == model.ChannelSMS {
			run.Units = run.Send * max(segments, 1)
		}
		if run.Provider, err = s.channels.Provider(ctx, channel.Kind(ch)); err != nil {
			return nil, err
		}
		run.UnitPrice, run.Priced = st.Prices[model.PriceKey(ch, run.Provider)]
		run.Cost = run.UnitPrice * model.Money(run.Units)
		out.Unpriced = out.Unpriced || !run.Priced && run.Send > 0
		out.Messages += run.Send
		out.Cost += run.Cost
		out.Channels = append(out.Channels, run)
	}
	out.Confirm = st.ConfirmAbove > 0 && out.Messages > st.ConfirmAbove || in.Recipients.Everything()
	if out.Budget, err = s.teamBudget(ctx, user, st); err != nil {
		return nil, err
	}
	if out.Daily, err = s.dailyLimit(ctx, user, st); err != nil {
		return nil, err
	}
	out.Approval = approvalNeed(st, user, out.Messages, out.Cost, out.Budget)
	return out, nil
}

// dailyLimit returns the daily limit of user and what they sent today, or
// nil when none applies (no limit, or an admin).
func (s *Service) dailyLimit(ctx context.Context, user *model.User, st model.Settings) (*DailyLimit, error) {
	if st.RepDailyLimit <= 0 || user.IsAdmin() {
		return nil, nil
	}
	t := s.now().In(quiet.New(st).Home())
	used, err := s.store.MessagesSince(ctx, user.ID, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()))
	if err != nil {
		return nil, err
	}
	return &DailyLimit{Limit: st.RepDailyLimit, Used: used}, nil
}

// teamBudget returns the budget of user's team this month, or nil.
func (s *Service) teamBudget(ctx context.Context, user *model.User, st model.Settings) (*TeamBudget, error) {
	if user.TeamID == nil {
		return nil, nil
	}
	team, err := s.store.TeamByID(ctx, *user.TeamID)
	if errors.Is(err, model.ErrNotFound) || err == nil && team.MonthlyBudget <= 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := s.now().In(quiet.New(st).Home())
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	spent, err := s.store.TeamSpent(ctx, team.ID, month)
	if err != nil {
		return nil, err
	}
	return &TeamBudget{Team: team.Name, Budget: team.MonthlyBudget, Spent: spent}, nil
}

// dryRunHeld counts the recipients quiet hours would hold at at.
func (s *Service) dryRunHeld(ctx context.Context, p permission.Policy, in Input, ch string, rules quiet.Rules, at time.Time,
	run *ChannelRun) error {
	w := rules.Window(ch, in.Marketing)
	open, until := w.Opens(at.In(rules.Home()))
	if open || run.Send <= 0 {
		return nil
	}
	var prefixes []string
	if ch == model.ChannelSMS {
		if prefixes = rules.HomePrefixes(); len(prefixes) == 0 {
			return nil
		}
	}
	n, err := s.store.CountSendable(ctx, p, in.Recipients, ch, prefixes)
	if err != nil {
		return err
	}
	run.Held, run.HeldUntil = min(n, run.Send), &until
	return nil
}

// approvalNeed says why a send of messages costing cost by user waits for
// approval (too many messages, too costly, over the team's budget), or ""
// when it does not: admins approve, so their own sends never wait.
func approvalNeed(st model.Settings, user *model.User, messages int, cost model.Money, budget *TeamBudget) string {
	switch {
	case user.IsAdmin():
		return ""
	case st.ApproveAbove > 0 && messages > st.ApproveAbove:
		return ApprovalMessages
	case st.ApproveCost > 0 && cost > st.ApproveCost:
		return ApprovalCost
	case budget != nil && cost > 0 && budget.Spent+cost > budget.Budget:
		return ApprovalBudget
	}
	return ""
}

// estimate is the dry run of a send being accepted, its SMS length taken
// from its sample message.
func (s *Service) estimate(ctx context.Context, p permission.Policy, user *model.User, in Input, channels []string) (*DryRun, error) {
	segments := 1
	if in.SMSText != "" {
		sample, err := s.PreviewSample(ctx, p, user, in)
		if err != nil {
			return nil, err
		}
		if sample.SMS != nil {
			segments = sample.SMS.Segments
		}
	}
	return s.DryRun(ctx, p, user, in, channels, segments)
}
