package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// receiptSend creates a running SMS send of n recipients and claims them.
func receiptSend(t *testing.T, s *storage.Store, n int) (*model.BulkSend, []*model.BulkRecipient) {
	t.Helper()
	ctx := context.Background()
	c := newCustomer(t, s, "恒信科技", "HX")
	for i := range n {
		if err := s.CreateContact(ctx, &model.Contact{CustomerID: c.ID, Name: fmt.Sprintf("联系人%d", i), Mobile: fmt.Sprintf("+86137%08d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	b := &model.BulkSend{Title: "t", SMSText: "您好", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{HasMobile: true}); err != nil {
		t.Fatal(err)
	}
	send, err := s.BulkSendToWork(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.ClaimRecipients(ctx, b.ID, "sms", n, "w")
	if err != nil || len(rows) != n {
		t.Fatalf("claim: %v %d", err, len(rows))
	}
	return send, rows
}

func settle(t *testing.T, s *storage.Store, b *model.BulkSend, provider string, rows []*model.BulkRecipient, pmid func(i int) string) {
	t.Helper()
	outs := make([]storage.Outcome, len(rows))
	for i, r := range rows {
		outs[i] = storage.Outcome{Recipient: r, Sent: true, ProviderID: pmid(i), Content: "您好"}
	}
	if err := s.CompleteRecipients(context.Background(), b, provider, "w", outs); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, s *storage.Store, id int64) model.Counts {
	t.Helper()
	b, err := s.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Counts
}

// Receipts matched by (BizId, number): a BizId names a whole call, so the
// number decides; a duplicate stores and changes nothing; the first final
// state wins; an early receipt waits and is applied once its row is
// settled; an unknown one is kept.
func TestReceiptsMatchByBizIDAndNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		b, rows := receiptSend(t, s, 6)
		// Rows 0–3 settle under one BizId; 4–5 stay "sending".
		settle(t, s, b, "aliyun", rows[:4], func(int) string { return "biz-1" })
		rc := func(i int, status, code string) model.Receipt {
			num := fmt.Sprintf("137%08d", i) // Aliyun writes mainland numbers without +86
			return model.Receipt{Provider: "aliyun", ProviderMessageID: "biz-1", Address: num, Status: status, Code: code}
		}
		res, err := s.ApplyReceipts(ctx, []model.Receipt{
			rc(0, model.DeliveryDelivered, "DELIVERED"),
			rc(1, model.DeliveryUndelivered, "MK:0001"),
			rc(0, model.DeliveryDelivered, "DELIVERED"), // repeated within the push
			{Provider: "aliyun", ProviderMessageID: "biz-9", Address: "13900000000", Status: model.DeliveryDelivered, Code: "DELIVERED"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 3 || res.Duplicate != 1 || res.Matched != 2 || res.Pending != 1 || res.Applied != 4 {
			t.Fatalf("first push: %+v", res)
		}
		// The same push again: nothing new, nothing changes.
		res, err = s.ApplyReceipts(ctx, []model.Receipt{rc(0, model.DeliveryDelivered, "DELIVERED"), rc(1, model.DeliveryUndelivered, "MK:0001")})
		if err != nil || res.New != 0 || res.Duplicate != 2 || res.Applied != 0 {
			t.Fatalf("repeat: %+v %v", res, err)
		}
		// A later, different final state for row 1 is kept but does not win.
		res, err = s.ApplyReceipts(ctx, []model.Receipt{rc(1, model.DeliveryDelivered, "DELIVERED")})
		if err != nil || res.New != 1 || res.Matched != 1 || res.Applied != 0 {
			t.Fatalf("second state: %+v %v", res, err)
		}
		// Early receipts for rows 4 and 5, sent with our ref and as part of biz-2.
		res, err = s.ApplyReceipts(ctx, []model.Receipt{
			{Provider: "aliyun", ProviderMessageID: "biz-2", Ref: fmt.Sprintf("b%d", rows[4].ID), Address: "13700000004", Status: model.DeliveryDelivered, Code: "DELIVERED"},
			{Provider: "aliyun", ProviderMessageID: "biz-2", Address: "13700000005", Status: model.DeliveryUndelivered, Code: "DB:0141"},
		})
		if err != nil || res.Pending != 2 {
			t.Fatalf("early: %+v %v", res, err)
		}
		c := counts(t, s, b.ID)
		if c.Sent != 4 || c.Delivered != 1 || c.Undelivered != 1 || c.AwaitingReceipt != 2 || c.Pending != 2 {
			t.Fatalf("counts before settling: %+v", c)
		}
		settle(t, s, b, "aliyun", rows[4:], func(int) string { return "biz-2" })
		res, err = s.MatchPendingReceipts(ctx, "aliyun", []string{"biz-2"}, []string{fmt.Sprintf("b%d", rows[4].ID)}, 0)
		if err != nil || res.Matched != 2 || res.Applied != 4 {
			t.Fatalf("match pending: %+v %v", res, err)
		}
		// The unknown one is still pending; a sweep finds nothing new.
		res, err = s.MatchPendingReceipts(ctx, "", nil, nil, 100)
		if err != nil || res.Matched != 0 || res.Pending != 1 {
			t.Fatalf("sweep: %+v %v", res, err)
		}
		if n, err := s.ExpirePendingReceipts(ctx, time.Now().Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		c = counts(t, s, b.ID)
		if c.Sent != 6 || c.Delivered != 2 || c.Undelivered != 2 || c.AwaitingReceipt != 2 {
			t.Fatalf("counts: %+v", c)
		}
		list, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: model.DeliveryUndelivered})
		if err != nil || len(list) != 2 {
			t.Fatalf("undelivered list: %v %d", err, len(list))
		}
		reasons := map[string]string{}
		for _, r := range list {
			reasons[r.Address] = r.DeliveryCode + " " + r.DeliveryReason
		}
		if reasons["+8613700000001"] != "MK:0001 empty_number" || reasons["+8613700000005"] != "DB:0141 blocked" {
			t.Fatalf("reasons: %v", reasons)
		}
		for status, want := range map[string]int{model.DeliveryDelivered: 2, model.DeliveryAwaiting: 2, model.DeliveryNoReceipt: 0} {
			if l, err := s.ListRecipients(ctx, b.ID, storage.RecipientFilter{Status: status}); err != nil || len(l) != want {
				t.Fatalf("%s: %v %d, want %d", status, err, len(l), want)
			}
		}
		// The records follow their recipients.
		recs, _, err := s.ListRecords(ctx, permission.Policy{Admin: true}, storage.RecordFilter{Status: model.RecordUndelivered, Limit: 10})
		if err != nil || len(recs) != 2 || recs[0].DeliveryReason == "" || recs[0].ReceiptAt == nil {
			t.Fatalf("undelivered records: %v %+v", err, recs)
		}
		all, err := s.Receipts(ctx, "aliyun", "", 100)
		if err != nil || len(all) != 6 {
			t.Fatalf("stored receipts: %v %d", err, len(all))
		}
	})
}

// Tencent's SerialNo names one number's message; receipts without a
// number match by it alone.
func TestReceiptsMatchBySerialNo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		b, rows := receiptSend(t, s, 3)
		settle(t, s, b, "tencent", rows, func(i int) string { return fmt.Sprintf("sn-%d", i) })
		res, err := s.ApplyReceipts(ctx, []model.Receipt{
			{Provider: "tencent", ProviderMessageID: "sn-0", Address: "+8613700000000", Status: model.DeliveryDelivered, Code: "DELIVRD"},
			{Provider: "tencent", ProviderMessageID: "sn-1", Status: model.DeliveryUndelivered, Code: "MK:0024"},
			// Right serial, wrong number: not this message.
			{Provider: "tencent", ProviderMessageID: "sn-2", Address: "+8613999999999", Status: model.DeliveryDelivered, Code: "DELIVRD"},
		})
		if err != nil || res.Matched != 2 || res.Pending != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		c := counts(t, s, b.ID)
		if c.Delivered != 1 || c.Undelivered != 1 || c.AwaitingReceipt != 1 {
			t.Fatalf("counts: %+v", c)
		}
	})
}
