package receipt

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/model"
)

// PollArgs runs one round of receipt upkeep: early receipts are matched,
// messages whose receipt did not come are looked up at the provider, and
// those past MaxAge are marked no_receipt.
type PollArgs struct{}

// Kind names the job.
func (PollArgs) Kind() string { return "sms_receipt_poll" }

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	svc *Service
}

func (w *pollWorker) Work(ctx context.Context, _ *river.Job[PollArgs]) error {
	_, err := w.svc.Poll(ctx)
	return err
}

// Register adds the poll worker to w and returns its periodic job.
func (s *Service) Register(w *river.Workers) *river.PeriodicJob {
	river.AddWorker(w, &pollWorker{svc: s})
	return river.NewPeriodicJob(river.PeriodicInterval(s.cfg.Every),
		func() (river.JobArgs, *river.InsertOpts) {
			return PollArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: s.cfg.Every}}
		}, nil)
}

// PollResult counts what one Poll did.
type PollResult struct {
	Matched   int // early receipts matched
	Looked    int // messages looked up at the provider
	Found     int // receipts the lookups found
	NoReceipt int // messages marked no_receipt
	Settled   int // bulk sends whose receipts have all come in
}

// pendingSweep is how many pending receipts one Poll tries to match.
const pendingSweep = 5000

// Poll runs one round of receipt upkeep (see PollArgs).
func (s *Service) Poll(ctx context.Context) (PollResult, error) {
	var out PollResult
	now := s.now()
	for {
		res, err := s.store.MatchPendingReceipts(ctx, "", nil, nil, pendingSweep)
		if err != nil {
			return out, err
		}
		out.Matched += res.Matched
		if res.Matched == 0 || res.Matched+res.Pending < pendingSweep {
			break
		}
	}
	if _, err := s.store.ExpirePendingReceipts(ctx, now.Add(-s.cfg.MaxAge)); err != nil {
		return out, err
	}
	ch, err := s.smsChannel(ctx)
	if err != nil {
		return out, err
	}
	defer ch.Close()
	switch c := ch.(type) {
	case *channel.Aliyun:
		err = s.pollAliyun(ctx, c, now, &out)
	case *channel.Tencent:
		err = s.pollTencent(ctx, c, &out)
	}
	if err != nil {
		return out, err
	}
	n, err := s.store.MarkNoReceipt(ctx, model.ReceiptProviders, now.Add(-s.cfg.MaxAge))
	out.NoReceipt = n
	if err != nil {
		return out, err
	}
	// Every send finished before now-MaxAge has just settled; looking back
	// twice as far still tells the operators of sends that settled while
	// no process polled.
	sends, err := s.store.SettleReceipts(ctx, now.Add(-2*s.cfg.MaxAge))
	for _, b := range sends {
		out.Settled++
		if s.onSettled != nil {
			s.onSettled(ctx, b)
		}
	}
	return out, err
}

// pace waits between lookups so that they keep to PollRate a second.
func (s *Service) pace(ctx context.Context) error {
	t := time.NewTimer(time.Second / time.Duration(s.cfg.PollRate))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pollAliyun looks up, one QuerySendDetails call per number, a batch of
// messages awaiting a receipt; each round goes on where the last stopped.
func (s *Service) pollAliyun(ctx context.Context, a *channel.Aliyun, now time.Time, out *PollResult) error {
	s.mu.Lock()
	after := s.pollAfter["aliyun"]
	s.mu.Unlock()
	msgs, err := s.store.AwaitingReceipts(ctx, "aliyun", now.Add(-s.cfg.MaxAge), now.Add(-s.cfg.Wait), after, s.cfg.PollBatch)
	if err != nil {
		return err
	}
	next := int64(0)
	if len(msgs) == s.cfg.PollBatch {
		next = msgs[len(msgs)-1].RecordID
	}
	s.mu.Lock()
	s.pollAfter["aliyun"] = next
	s.mu.Unlock()
	var found []model.Receipt
	for i, m := range msgs {
		if i > 0 {
			if err := s.pace(ctx); err != nil {
				return err
			}
		}
		details, err := a.QuerySendDetails(ctx, m.Address, m.SentAt, m.ProviderMessageID)
		out.Looked++
		if err != nil {
			if channel.IsTransient(err) {
				s.log.Warn("receipt lookup", "provider", "aliyun", "err", err)
				continue
			}
			return err
		}
		for _, d := range details {
			if d.Done {
				found = append(found, lookedUp("aliyun", m.ProviderMessageID, d))
			}
		}
	}
	out.Found += len(found)
	_, err = s.store.ApplyReceipts(ctx, found)
	return err
}

// tencentPulls bounds the PullSmsSendStatus calls of one round.
const tencentPulls = 100

// pollTencent pulls the receipts Tencent holds (those its pushes did not
// deliver), 100 a call.
func (s *Service) pollTencent(ctx context.Context, t *channel.Tencent, out *PollResult) error {
	for i := range tencentPulls {
		if i > 0 {
			if err := s.pace(ctx); err != nil {
				return err
			}
		}
		details, err := t.PullSendStatus(ctx, 100)
		out.Looked++
		if err != nil {
			return err
		}
		found := make([]model.Receipt, 0, len(details))
		for _, d := range details {
			found = append(found, lookedUp("tencent", d.MessageID, d))
		}
		out.Found += len(found)
		if _, err := s.store.ApplyReceipts(ctx, found); err != nil {
			return err
		}
		if len(details) < 100 {
			return nil
		}
	}
	return nil
}

// lookedUp is the receipt a lookup found.
func lookedUp(provider, messageID string, d channel.SendDetail) model.Receipt {
	r := model.Receipt{Provider: provider, ProviderMessageID: messageID, Ref: d.Ref, Address: d.Number,
		Status: status(d.Delivered), Code: d.Code}
	if !d.At.IsZero() {
		at := d.At
		r.ProviderTime = &at
	}
	return r
}
