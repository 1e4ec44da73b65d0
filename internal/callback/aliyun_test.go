package callback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"touchbase/internal/callback"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakealiyun"
)

// earlyPush pushes the receipts of the first SendSms calls to the
// callback before the dispatcher hears the answer: the receipts arrive
// while their rows are still being sent.
type earlyPush struct {
	fake  *fakealiyun.Server
	url   func() string
	mu    sync.Mutex
	calls int
	early int // calls whose receipts go early
	sent  map[string]bool
}

func (p *earlyPush) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || r.Header.Get("x-acs-action") != "SendSms" {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct{ BizId string }
	json.Unmarshal(body, &answer) //nolint:errcheck
	p.mu.Lock()
	p.calls++
	early := p.calls <= p.early && answer.BizId != ""
	p.mu.Unlock()
	if early {
		var reports []fakealiyun.Report
		for _, rp := range p.fake.Reports() {
			if rp.BizID == answer.BizId {
				reports = append(reports, rp)
			}
		}
		if _, err := fakealiyun.Push(p.url(), reports); err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.sent[answer.BizId] = true
		p.mu.Unlock()
	}
	return resp, nil
}

// A bulk send through Aliyun: receipts pushed early, duplicated,
// shuffled, merged across two sends and split into pushes of 100–1,000;
// lost ones found by QuerySendDetails; the silent ones no_receipt.
func TestAliyunReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakealiyun.New(t)
		fake.AddSign(fakealiyun.Sign{Name: "恒信科技"})
		fake.AddTemplate(fakealiyun.Template{Code: "SMS_100", Name: "回访", Content: "您好，您的工单已处理完毕。", Kind: fakealiyun.Notice})
		var e *env
		early := &earlyPush{fake: fake, url: func() string { return e.srv.URL + callback.AliyunPath + e.receipts.Token() },
			early: 1, sent: map[string]bool{}}
		e = newEnv(t, s, early, callback.Options{PerSecond: 10000, Burst: 10000})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderAliyun, fake.Config("恒信科技", "SMS_100", nil), 0); err != nil {
			t.Fatal(err)
		}
		tpl := e.template(t, "aliyun", "SMS_100", "恒信科技")
		first, second := e.contacts(t, 0, 1500), e.contacts(t, 1500, 700)
		// Outcomes: every 10th number is empty (空号), every 25th blacklisted,
		// every 50th never reports.
		failed, blocked, silent := 0, 0, 0
		for i := range 2200 {
			switch {
			case i%50 == 7:
				fake.SetOutcome(mobile(i), "")
				silent++
			case i%10 == 3:
				fake.SetOutcome(mobile(i), "MK:0001")
				failed++
			case i%25 == 4:
				fake.SetOutcome(mobile(i), "DB:0141")
				blocked++
			}
		}
		b1 := e.send(t, "回访一", tpl, first)
		b2 := e.send(t, "回访二", tpl, second)
		e.wait(t, b1.ID, b2.ID)
		if len(early.sent) != 1 {
			t.Fatalf("early pushes: %d", len(early.sent))
		}
		// The early receipts are applied right after their chunk settles
		// (another slot may finish the send a moment before that). The
		// first chunk holds what the rate limit allowed, not always a
		// whole chunk, so the count comes from what was pushed.
		earlyOK, earlyFailed := 0, 0
		for _, rp := range fake.Reports() {
			switch {
			case !early.sent[rp.BizID]:
			case rp.Success:
				earlyOK++
			default:
				earlyFailed++
			}
		}
		if earlyOK == 0 || earlyFailed == 0 {
			t.Fatalf("early push carried %d delivered and %d undelivered receipts", earlyOK, earlyFailed)
		}
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			c1, c2 := e.counts(t, b1.ID), e.counts(t, b2.ID)
			if c1.Delivered+c2.Delivered == earlyOK && c1.Undelivered+c2.Undelivered == earlyFailed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("early receipts not applied: %+v %+v", c1, c2)
			}
		}

		// The rest of the receipts, from both sends mixed, less every 30th
		// (lost), with 10% duplicates, shuffled, in pushes of 100–1,000.
		var rest []fakealiyun.Report
		lost := 0
		for i, rp := range fake.Reports() {
			if early.sent[rp.BizID] {
				continue
			}
			if i%30 == 0 {
				lost++
				continue
			}
			rest = append(rest, rp)
		}
		r := rand.New(rand.NewPCG(1, 2))
		var dups []int
		for i := range rest {
			if i%10 == 0 {
				dups = append(dups, i)
			}
		}
		all := append([]fakealiyun.Report(nil), rest...)
		for _, i := range dups {
			all = append(all, rest[i])
		}
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for len(all) > 0 {
			n := min(len(all), 100+r.IntN(901))
			res, err := fakealiyun.Push(e.srv.URL+callback.AliyunPath+e.receipts.Token(), all[:n])
			if err != nil || len(res) != 1 || !res[0].Acknowledged() || res[0].Body != `{"code":0,"msg":"成功"}`+"\n" {
				t.Fatalf("push: %v %+v", err, res)
			}
			all = all[n:]
		}
		before := e.counts(t, b1.ID)
		if before.Delivered+before.Undelivered+before.AwaitingReceipt != before.Sent || before.AwaitingReceipt == 0 {
			t.Fatalf("after pushes: %+v", before)
		}
		// Everything pushed again changes nothing.
		res, err := fakealiyun.Push(e.srv.URL+callback.AliyunPath+e.receipts.Token(), rest, fakealiyun.Split(1000))
		if err != nil || !res[0].Acknowledged() {
			t.Fatal(err, res)
		}
		if again := e.counts(t, b1.ID); again != before {
			t.Fatalf("duplicates changed counts: %+v → %+v", before, again)
		}

		// The poll finds the lost ones; the silent ones are still waiting.
		got, err := e.receipts.Poll(ctx)
		if err != nil || got.Found < lost-silent || got.Settled != 0 {
			t.Fatalf("poll: %+v %v (lost %d; none settled while %d await)", got, err, lost, silent)
		}
		// Past the provider's retention they become no_receipt.
		e.clock.Store(int64(100 * 3600 * 1e9))
		if got, err = e.receipts.Poll(ctx); err != nil || got.NoReceipt != silent || got.Settled != 2 {
			t.Fatalf("late poll: %+v %v, want %d no_receipt and both sends settled", got, err, silent)
		}
		// The operator hears once per send that its receipts are in.
		if got, err = e.receipts.Poll(ctx); err != nil || got.Settled != 0 {
			t.Fatalf("third poll: %+v %v", got, err)
		}
		notes, err := s.ListNotifications(ctx, e.operator.ID, storage.NotificationFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]string{}
		for _, n := range notes {
			if n.Kind == model.NotifyBulkReceipts {
				told[n.Link] = n.Title + " " + n.Body
			}
		}
		c1 := e.counts(t, b1.ID)
		want := fmt.Sprintf("短信送达结果已汇总：回访一 发送成功 %d 条：已送达 %d，未送达 %d，无回执 %d", c1.Sent, c1.Delivered, c1.Undelivered, c1.NoReceipt)
		if len(told) != 2 || told["/bulk/"+itoa(b1.ID)] != want {
			t.Fatalf("receipt notifications: %q, want for the first send %q", told, want)
		}
		var sum model.Counts
		for _, id := range []int64{b1.ID, b2.ID} {
			c := e.counts(t, id)
			if c.Sent != c.Total || c.Delivered+c.Undelivered+c.NoReceipt != c.Sent || c.AwaitingReceipt != 0 {
				t.Fatalf("send %d: %+v", id, c)
			}
			sum.Delivered, sum.Undelivered, sum.NoReceipt = sum.Delivered+c.Delivered, sum.Undelivered+c.Undelivered, sum.NoReceipt+c.NoReceipt
		}
		if sum.Undelivered != failed+blocked || sum.NoReceipt != silent || sum.Delivered != 2200-failed-blocked-silent {
			t.Fatalf("totals %+v; want %d undelivered, %d no receipt", sum, failed+blocked, silent)
		}
		list, err := s.ListRecipients(ctx, b1.ID, storage.RecipientFilter{Status: model.DeliveryUndelivered, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]int{}
		for _, rc := range list {
			reasons[rc.DeliveryReason]++
		}
		if reasons[model.DeliveryReasonEmptyNumber] == 0 || reasons[model.DeliveryReasonBlocked] == 0 || len(reasons) != 2 {
			t.Fatalf("reasons: %v", reasons)
		}
		if n := e.count(t, `SELECT count(*) FROM contact_records WHERE bulk_send_id = $1 AND status = 'undelivered' AND delivery_code = 'MK:0001'`, b1.ID); n == 0 {
			t.Fatal("no undelivered record")
		}
		// Every receipt is kept once.
		if n, want := e.count(t, `SELECT count(*) FROM delivery_receipts WHERE provider = 'aliyun'`), 2200-silent; n != want {
			t.Fatalf("%d receipts stored, want %d", n, want)
		}
	})
}
