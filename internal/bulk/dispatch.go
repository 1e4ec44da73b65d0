package bulk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/quiet"
	"touchbase/internal/storage"
)

type dispatchWorker struct {
	river.WorkerDefaults[DispatchArgs]
	svc *Service
}

// Timeout leaves room for a work budget and a last chunk. It also bounds
// how long a job of a dead process is taken for running before River
// rescues it.
func (w *dispatchWorker) Timeout(*river.Job[DispatchArgs]) time.Duration {
	return w.svc.cfg.WorkBudget + min(w.svc.cfg.Lease, 2*time.Minute)
}

// NextRetry retries a failed dispatch (a database hiccup, a rescued job of
// a dead process) after a second: the work is idempotent, and waiting
// longer only delays the send.
func (w *dispatchWorker) NextRetry(*river.Job[DispatchArgs]) time.Time {
	return time.Now().Add(time.Second)
}

func (w *dispatchWorker) Work(ctx context.Context, job *river.Job[DispatchArgs]) error {
	return w.svc.dispatch(ctx, job.Args)
}

// holder returns a token unique to one dispatch run: rows it claims are
// settled only by it.
func holder() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// dispatch works one channel of a bulk send for up to the work budget.
func (s *Service) dispatch(ctx context.Context, a DispatchArgs) error {
	b, err := s.store.BulkSendToWork(ctx, a.BulkSendID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		return err
	}
	if b.Status != model.BulkRunning {
		return nil
	}
	if a.Channel == model.ChannelWeCom {
		return s.dispatchWeCom(ctx, b)
	}
	kind := channel.Kind(a.Channel)
	ch, rate, err := s.channels.Channel(ctx, kind)
	if err != nil {
		return err
	}
	defer ch.Close()
	if _, err := s.store.ResolveStaleSending(ctx, b.ID, a.Channel, s.cfg.Lease, channel.IsIdempotent(ch)); err != nil {
		return err
	}
	r, err := s.newRenderer(ctx, b, kind, ch.Name())
	if errors.Is(err, errTemplateUnavailable) {
		// No provider call could succeed: every waiting recipient is
		// skipped with that reason at once, not failed one by one.
		n, err := s.store.SkipPendingRecipients(ctx, b.ID, a.Channel, model.SkipTemplateUnavailable)
		if err != nil {
			return err
		}
		s.log.Warn("bulk send's SMS template is no longer usable", "bulk_send", b.ID, "skipped", n)
		return s.finishIfDone(ctx, b.ID)
	}
	if err != nil {
		return err
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	rules := quiet.New(st)
	if err := s.holdQuiet(ctx, b, a.Channel, rules); err != nil {
		return err
	}
	operator, err := s.operatorPolicy(ctx, b, st)
	if err != nil {
		return err
	}
	d := &chunker{ch: ch, rate: rate, r: r, rules: rules, me: holder(), resend: channel.IsIdempotent(ch), operator: operator,
		caps: model.CapsFor(st.FrequencyCaps, a.Channel, b.Marketing)}
	if b.InCanary() {
		if a.Slot != 0 {
			// The canary goes alone, through the first slot.
			return river.JobSnooze(canaryWait)
		}
		if passed, err := s.dispatchCanary(ctx, b, d, st); !passed || err != nil {
			return err
		}
	}
	deadline := s.now().Add(s.cfg.WorkBudget)
	var h health
	for s.now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := s.dispatchChunk(ctx, b, d, s.cfg.ChunkSize, &h)
		if err != nil {
			return err
		}
		if p := h.verdict(st.FailurePausePercent); p != nil {
			return s.pauseItself(ctx, b, *p)
		}
		if n > 0 {
			continue
		}
		// Nothing due: finished, or retries waiting for their time.
		next, pending, err := s.store.NextRecipientAttempt(ctx, b.ID, a.Channel)
		if err != nil {
			return err
		}
		if !pending {
			return s.finishIfDone(ctx, b.ID)
		}
		return river.JobSnooze(min(max(next.Sub(s.now()), 50*time.Millisecond), s.cfg.HoldCheck))
	}
	return river.JobSnooze(0) // hand over; carry on in a fresh job
}

// canaryWait is how often the other slots look whether the canary passed.
const canaryWait = 500 * time.Millisecond

// dispatchCanary sends a send's canary (its first recipients), alone,
// and judges it once every canary recipient has settled: too many
// failures pause the send, else the canary passes and the caller goes on
// with the rest (the other slots see it within canaryWait). It reports
// whether the canary passed; when it did not, the error is what the job
// returns (a snooze while canary messages wait for their time).
func (s *Service) dispatchCanary(ctx context.Context, b *model.BulkSend, d *chunker, st model.Settings) (bool, error) {
	d.upTo = b.CanaryLastID
	defer func() { d.upTo = 0 }()
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		oc, err := s.store.CanaryOutcomes(ctx, b.ID, b.CanaryLastID)
		if err != nil {
			return false, err
		}
		if oc.Open > 0 {
			n, err := s.dispatchChunk(ctx, b, d, s.cfg.ChunkSize, nil)
			if err != nil || n > 0 {
				if err != nil {
					return false, err
				}
				continue
			}
			// Canary messages wait for a retry or their quiet hours to end,
			// or are being sent by another channel's job.
			wait := canaryWait
			if next, pending, err := s.store.NextRecipientAttempt(ctx, b.ID, string(d.ch.Kind())); err != nil {
				return false, err
			} else if pending {
				wait = max(wait, next.Sub(s.now()))
			}
			return false, river.JobSnooze(min(wait, max(s.cfg.HoldCheck, canaryWait)))
		}
		if p := judge(oc.Sent+oc.Failed, oc.Reasons, st.FailurePausePercent, 1, model.PauseCanary); p != nil {
			return false, s.pauseItself(ctx, b, *p)
		}
		if err := s.store.PassCanary(ctx, b.ID, s.now()); err != nil {
			return false, err
		}
		s.log.Info("bulk send's canary passed", "bulk_send", b.ID, "sent", oc.Sent, "failed", oc.Failed)
		return true, nil
	}
}

func (s *Service) finishIfDone(ctx context.Context, id int64) error {
	done, err := s.store.FinishBulkSendIfDone(ctx, id)
	if err != nil || !done {
		return err
	}
	b, err := s.store.BulkSendByID(ctx, admin, id)
	if err != nil {
		return err
	}
	s.log.Info("bulk send finished", "bulk_send", id, "sent", b.Counts.Sent, "failed", b.Counts.Failed, "skipped", b.Counts.Skipped)
	if s.onFinish != nil {
		s.onFinish(ctx, b)
	}
	return nil
}

// chunker is what the chunks of one dispatch job share: the channel, its
// rate, the renderer, the quiet hours, the job's holder token, and how many chunks in a
// row the provider throttled (each one holds the channel longer).
type chunker struct {
	ch        channel.Channel
	rate      int
	r         *renderer
	rules     quiet.Rules
	caps      []model.FrequencyCap // of the send's channel and kind
	me        string
	upTo      int64 // while the canary goes: its last recipient
	throttled int
	resend    bool              // the provider never delivers a ref twice
	operator  permission.Policy // whose rights the send goes with
}

// operatorPolicy is the rights of b's operator now: each chunk goes only
// to customers they may still see. A send without an operator (its user
// deleted) goes with what it was accepted with.
func (s *Service) operatorPolicy(ctx context.Context, b *model.BulkSend, st model.Settings) (permission.Policy, error) {
	if b.UserID == nil {
		return admin, nil
	}
	u, err := s.store.UserByID(ctx, *b.UserID)
	if errors.Is(err, model.ErrNotFound) {
		return admin, nil
	}
	if err != nil {
		return permission.Policy{}, err
	}
	return permission.For(u, st), nil
}

// mayHave reports whether the provider may have row's message: this
// attempt or an earlier one timed out, or the process sending it stopped
// before the answer was recorded.
func mayHave(row *model.BulkRecipient, err error) bool {
	return channel.Reason(err) == channel.ReasonTimeout || row.Reason == channel.ReasonTimeout || row.Reason == model.FailOutcomeUnknown
}

// maxTimeoutRetry is the longest wait before a message whose call timed
// out is asked again of a provider that de-duplicates refs.
const maxTimeoutRetry = 5 * time.Minute

// dispatchChunk claims, sends and settles one chunk of up to limit rows;
// it returns how many rows it claimed, and adds the messages' outcomes
// to h (when not nil). It takes from the channel's rate limit only what
// it may send now (the priority lane keeps its place) and gives back what
// it did not claim.
func (s *Service) dispatchChunk(ctx context.Context, b *model.BulkSend, d *chunker, limit int, h *health) (int, error) {
	ch, rate, r, rules, me := d.ch, d.rate, d.r, d.rules, d.me
	// Once taken from the limit or claimed, what is unused is given back
	// and the messages handed to the provider are settled even if the job
	// is being stopped: their rows must not be left in "sending".
	sctx := context.WithoutCancel(ctx)
	took, err := s.channels.TakeBulk(ctx, ch.Kind(), limit, rate)
	if err != nil {
		return 0, err
	}
	rows, err := s.store.ClaimRecipientsDue(ctx, b.ID, string(ch.Kind()), took, me, s.now(), d.upTo)
	if len(rows) < took {
		if gerr := s.channels.GiveBack(sctx, ch.Kind(), took-len(rows), rate); gerr != nil {
			err = errors.Join(err, gerr)
		}
	}
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	// A contact who opted out, or a customer marked do-not-contact, since
	// the send was accepted is skipped now, not sent, and so is one whose
	// customer the operator may no longer see; one in quiet hours is held
	// until they end.
	unseen, err := s.store.UnseenCustomers(ctx, d.operator, rows)
	if err != nil {
		return 0, errors.Join(err, s.store.ReleaseClaim(sctx, b.ID, string(ch.Kind()), me))
	}
	outs := make([]storage.Outcome, 0, len(rows))
	var open []*model.BulkRecipient
	for _, row := range rows {
		if row.CustomerID != nil && unseen[*row.CustomerID] {
			outs = append(outs, storage.Outcome{Recipient: row, Skip: true, Reason: model.SkipNoPermission})
			continue
		}
		if row.Barred != "" {
			outs = append(outs, storage.Outcome{Recipient: row, Skip: true, Reason: row.Barred})
			continue
		}
		if until := s.heldUntil(rules, b, row); !until.IsZero() {
			outs = append(outs, storage.Outcome{Recipient: row, Hold: true, RetryAt: until})
			continue
		}
		open = append(open, row)
	}
	// Frequency caps are checked last, for the rows that would go out
	// now, and those rows are counted against the caps at once.
	over, err := s.store.ReserveFrequency(ctx, string(ch.Kind()), b.Marketing, open, d.caps, s.now())
	if err != nil {
		// The rows go back unsent, as a failed read of their data does.
		return 0, errors.Join(err, s.store.ReleaseClaim(sctx, b.ID, string(ch.Kind()), me))
	}
	var msgs []channel.Message
	var sendable []*model.BulkRecipient
	for _, row := range open {
		if over[row.ID] {
			outs = append(outs, storage.Outcome{Recipient: row, Skip: true, Reason: model.SkipFrequencyCap})
			continue
		}
		msgs = append(msgs, r.message(row))
		sendable = append(sendable, row)
	}
	if len(outs) > 0 {
		if gerr := s.channels.GiveBack(sctx, ch.Kind(), len(outs), rate); gerr != nil {
			s.log.Warn("bulk: give back rate of skipped recipients", "err", gerr)
		}
	}
	sent, err := s.sendWaves(ctx, b, d, sendable, msgs, outs)
	if err != nil {
		return 0, err
	}
	if s.onChunk != nil {
		s.onChunk(chunkReport(ch, sent.outs, sent.took))
	}
	if s.onSettled != nil && len(sent.ids) > 0 {
		s.onSettled(sctx, ch.Name(), sent.ids, sent.refs)
	}
	if h != nil {
		for _, o := range sent.outs[len(outs):] {
			if !o.Retry {
				h.add(o.Reason)
			}
		}
	}
	return len(rows), nil
}

// waveResult is what sendWaves did: every outcome (those it was given
// first), how long the provider took, and the provider ids and refs of
// the messages sent.
type waveResult struct {
	outs      []storage.Outcome
	took      time.Duration
	ids, refs []string
}

// sendWaves sends msgs (of rows) and settles them with the outcomes
// already known (skips, holds). Where a stopped process would leave the
// messages with the provider unknown (the provider cannot be asked again
// under the same ref), they go in waves, a provider call's worth at a
// time, one message for a channel that hands them over one by one: the
// rows of each wave are marked handed just before it goes, in the
// transaction that settles the one before. A stopped process then leaves
// unknown at most one wave; the rest of its claim goes back to pending.
// A provider that de-duplicates refs gets every message in one call.
func (s *Service) sendWaves(ctx context.Context, b *model.BulkSend, d *chunker, rows []*model.BulkRecipient, msgs []channel.Message,
	known []storage.Outcome) (waveResult, error) {
	ch, me := d.ch, d.me
	sctx := context.WithoutCancel(ctx)
	res := waveResult{outs: known}
	settle := slices.Clone(known)
	wave := len(msgs)
	if !d.resend {
		wave = s.cfg.HandOver
		if !channel.HandsOneByOne(ch) {
			wave = max(1, ch.MaxBatch())
		}
	}
	stop := s.keepClaim(sctx, b.ID, string(ch.Kind()), me)
	defer stop()
	pause := throttlePause(d.throttled)
	throttled, left := false, 0
	for start := 0; start < len(msgs); start += wave {
		end := min(start+wave, len(msgs))
		part, partMsgs := rows[start:end], msgs[start:end]
		if !d.resend {
			if throttled || ctx.Err() != nil {
				// The rest was never handed: it goes back to pending.
				left = len(msgs) - start
				break
			}
			ids := make([]int64, len(part))
			for i, r := range part {
				ids[i] = r.ID
			}
			handed, err := s.store.SettleAndHand(sctx, b, ch.Name(), me, settle, ids)
			if err != nil {
				return res, err
			}
			settle = nil
			if len(handed) < len(part) {
				// Rows whose claim lapsed were taken back: not sent here.
				part, partMsgs = pickHanded(part, partMsgs, handed)
			}
		}
		if len(partMsgs) == 0 {
			continue
		}
		t0 := time.Now()
		results := ch.SendBatch(sctx, partMsgs)
		res.took += time.Since(t0)
		for i, row := range part {
			o, thr := s.outcome(row, partMsgs[i], results[i], d, pause)
			throttled = throttled || thr
			if o.Sent {
				res.ids, res.refs = append(res.ids, o.ProviderID), append(res.refs, partMsgs[i].Ref)
			}
			settle = append(settle, o)
			res.outs = append(res.outs, o)
		}
	}
	if throttled {
		d.throttled++
		if err := s.channels.Hold(sctx, ch.Kind(), pause); err != nil {
			s.log.Warn("bulk: hold throttled channel", "channel", ch.Kind(), "err", err)
		}
	} else {
		d.throttled = 0
	}
	if err := s.store.CompleteRecipients(sctx, b, ch.Name(), me, settle); err != nil {
		return res, err
	}
	if left > 0 {
		if err := s.store.ReleaseClaim(sctx, b.ID, string(ch.Kind()), me); err != nil {
			return res, err
		}
		if err := s.channels.GiveBack(sctx, ch.Kind(), left, d.rate); err != nil {
			s.log.Warn("bulk: give back rate of unsent recipients", "err", err)
		}
	}
	return res, nil
}

// pickHanded keeps of rows (and their msgs) those whose ids are in
// handed.
func pickHanded(rows []*model.BulkRecipient, msgs []channel.Message, handed []int64) ([]*model.BulkRecipient, []channel.Message) {
	keep := make(map[int64]bool, len(handed))
	for _, id := range handed {
		keep[id] = true
	}
	var r []*model.BulkRecipient
	var m []channel.Message
	for i, row := range rows {
		if keep[row.ID] {
			r, m = append(r, row), append(m, msgs[i])
		}
	}
	return r, m
}

// outcome turns the provider's answer for row's message into its
// outcome, and says whether the provider asked us to slow down.
func (s *Service) outcome(row *model.BulkRecipient, msg channel.Message, res channel.Result, d *chunker, pause time.Duration) (storage.Outcome, bool) {
	o := storage.Outcome{Recipient: row, Content: msg.Text, Subject: msg.Subject}
	switch {
	case res.Err == nil:
		o.Sent, o.ProviderID = true, res.ProviderID
	case channel.Reason(res.Err) == channel.ReasonThrottled && row.Attempts < s.cfg.MaxThrottledAttempts:
		o.Retry, o.Reason, o.Detail = true, channel.ReasonThrottled, errDetail(res.Err)
		o.RetryAt = s.now().Add(pause)
		return o, true
	case d.resend && mayHave(row, res.Err) && channel.IsTransient(res.Err) && row.Attempts < s.cfg.MaxThrottledAttempts:
		// The provider may have the message: asked again under the
		// same ref it answers without delivering twice, so it is
		// asked until it answers, never failed for what it may have.
		// The reason stays what says so (timeout, outcome unknown);
		// the detail is this attempt's error.
		o.Retry, o.Reason, o.Detail = true, row.Reason, errDetail(res.Err)
		if channel.Reason(res.Err) == channel.ReasonTimeout {
			o.Reason = channel.ReasonTimeout
		}
		o.RetryAt = s.now().Add(min(s.cfg.RetryBase<<min(row.Attempts-1, 10), maxTimeoutRetry))
	case retryable(res.Err) && row.Attempts < s.cfg.MaxAttempts:
		o.Retry, o.Reason, o.Detail = true, channel.Reason(res.Err), errDetail(res.Err)
		o.RetryAt = s.now().Add(s.cfg.RetryBase << min(row.Attempts-1, 10))
	default:
		o.Reason, o.Detail = channel.Reason(res.Err), errDetail(res.Err)
		if channel.IsTransient(res.Err) {
			o.Detail = fmt.Sprintf("gave up after %d attempts: %s", row.Attempts, o.Detail)
		}
	}
	return o, false
}

// keepClaim renews the claim of the rows holder has of one channel of a
// send every third of the lease until the returned stop is called: rows
// whose messages are with a slow provider are never taken for a stopped
// process's.
func (s *Service) keepClaim(ctx context.Context, bulkID int64, ch, holder string) (stop func()) {
	every := max(s.cfg.Lease/3, time.Millisecond)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := s.store.RenewClaim(ctx, bulkID, ch, holder); err != nil {
					s.log.Warn("bulk: renew claim", "bulk_send", bulkID, "err", err)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// throttlePause is how long a channel is held when its provider throttles
// a chunk, after n throttled chunks in a row: 1 s, doubling up to 30 s.
func throttlePause(n int) time.Duration {
	return min(time.Second<<min(n, 5), 30*time.Second)
}

// retryable reports whether a failed send may be sent again without risk
// of a duplicate: transient errors where the provider surely did not take
// the message. A timeout is not one: the provider may have taken it, so
// unless the provider de-duplicates refs it fails (reason timeout) and the
// operator decides.
func retryable(err error) bool {
	return channel.IsTransient(err) && channel.Reason(err) != channel.ReasonTimeout
}

func errDetail(err error) string {
	var ce *channel.Error
	if errors.As(err, &ce) && ce.Detail != "" {
		return ce.Detail
	}
	return err.Error()
}
