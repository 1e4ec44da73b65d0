package callback_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/callback"
	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/faketencent"
)

// TestTencentReceipts: a bulk send through the Tencent Cloud fake, one
// SerialNo per number; status callbacks are pushed duplicated and
// shuffled, less a few lost, which PullSmsSendStatus then finds; every
// recipient ends delivered or undelivered with its reason, and the counts
// add up.
func TestTencentReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := faketencent.New(t)
		fake.AddSign(faketencent.Sign{Name: "恒信科技", Status: faketencent.Approved})
		fake.AddTemplate(faketencent.Template{ID: "1110", Name: "回访", Content: "您好，您的工单已处理完毕。",
			Kind: faketencent.Notice, Status: faketencent.Approved})
		e := newEnv(t, s, nil, callback.Options{PerSecond: 10000, Burst: 10000})
		if err := e.reg.Save(ctx, e.operator.ID, channel.KindSMS, channel.ProviderTencent, fake.Config("恒信科技", "1110", nil), 0); err != nil {
			t.Fatal(err)
		}
		const n = 450
		failed, failedLost := 0, 0
		for i := range n {
			if i%9 == 2 {
				fake.SetOutcome(mobile(i), "MK:0001")
				failed++
			}
		}
		tpl := e.template(t, "tencent", "1110", "恒信科技")
		b := e.send(t, "回访", tpl, e.contacts(t, 0, n))
		e.wait(t, b.ID)
		reports := fake.Reports()
		if len(reports) != n {
			t.Fatalf("%d status reports for %d messages", len(reports), n)
		}
		serials := map[string]bool{}
		for _, m := range fake.Sent() {
			serials[m.SerialNo] = true
		}
		if len(serials) != n {
			t.Fatalf("%d distinct SerialNo for %d numbers", len(serials), n)
		}
		var pushed []faketencent.Report
		lost := 0
		for i, r := range reports {
			if i%40 == 5 {
				lost++
				if r.ReportStatus == "FAIL" {
					failedLost++
				}
				continue
			}
			pushed = append(pushed, r)
		}
		url := e.srv.URL + callback.TencentPath + e.receipts.Token()
		res, err := faketencent.Push(url, pushed, faketencent.Duplicate(0, 1, 2, 3, 4), faketencent.Shuffle(7))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != 200 {
				t.Fatalf("push answered %+v", r)
			}
		}
		c := e.counts(t, b.ID)
		if c.Delivered+c.Undelivered != n-lost || c.AwaitingReceipt != lost {
			t.Fatalf("after pushes: %+v (lost %d)", c, lost)
		}
		// Polling pulls the statuses not yet pulled, the lost ones among
		// them; ones already applied change nothing.
		e.clock.Store(int64(time.Hour))
		if _, err := e.receipts.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		c = e.counts(t, b.ID)
		if c.Delivered != n-failed || c.Undelivered != failed || c.AwaitingReceipt != 0 || c.NoReceipt != 0 {
			t.Fatalf("after the poll: %+v; want %d delivered, %d undelivered", c, n-failed, failed)
		}
		list, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.DeliveryUndelivered, Limit: 1000})
		if err != nil || len(list) != failed {
			t.Fatalf("undelivered drill-down: %d, %v", len(list), err)
		}
		// A pushed callback carries the carrier's code (MK:0001, 空号); a
		// pulled status only Tencent's description, so its reason is
		// unknown.
		pulled := 0
		for _, r := range list {
			switch {
			case r.DeliveryCode == "MK:0001" && r.DeliveryReason == model.DeliveryReasonEmptyNumber:
			case r.DeliveryCode != "" && r.DeliveryReason == model.DeliveryReasonUnknown:
				pulled++
			default:
				t.Fatalf("undelivered recipient: code %q reason %q", r.DeliveryCode, r.DeliveryReason)
			}
		}
		if pulled != failedLost {
			t.Fatalf("%d undelivered found by the pull, want %d", pulled, failedLost)
		}
		if refused := fake.Refused(); len(refused) != 0 {
			t.Fatalf("the provider refused: %+v", refused)
		}
	})
}
