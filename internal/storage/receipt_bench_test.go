package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// BenchmarkApplyReceipts applies the receipts of a sent 100,000-recipient
// send (BizIds of 1,000 numbers) in pushes of 100–1,000 with 10%
// duplicates, and reports receipts/s, the heap in use and the process's
// peak RSS. Receipts come in two orders: "arrival", the order their
// messages were sent, reordered within windows of 5,000 (how providers
// push them: as handsets report, seconds after the send), and "shuffled"
// across the whole send, the worst case.
//
//	go test -run '^$' -bench ApplyReceipts -benchtime 1x ./internal/storage/
func BenchmarkApplyReceipts(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, order := range []string{"arrival", "shuffled"} {
			b.Run(dialect+"/"+order, func(b *testing.B) {
				var s *storage.Store
				if dialect == "sqlite" {
					s = storetest.SQLite(b)
				} else {
					if os.Getenv("TOUCHBASE_TEST_POSTGRES") == "" {
						b.Skip("TOUCHBASE_TEST_POSTGRES not set")
					}
					s = storetest.Postgres(b)
				}
				for range b.N {
					benchReceipts(b, s, 100000, order == "shuffled")
				}
			})
		}
	}
}

// receiptWindow is how far apart in sending order receipts of the
// "arrival" order may come.
const receiptWindow = 5000

func benchReceipts(b *testing.B, s *storage.Store, n int, shuffled bool) {
	ctx := context.Background()
	c := &model.Customer{Name: fmt.Sprint("bench ", time.Now().UnixNano())}
	if err := s.CreateCustomer(ctx, c); err != nil {
		b.Fatal(err)
	}
	err := s.InBatch(ctx, func(bt *storage.Batch) error {
		for i := range n {
			if err := bt.CreateContact(ctx, &model.Contact{CustomerID: c.ID, Name: "c", Mobile: fmt.Sprintf("+86139%08d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	send := &model.BulkSend{Title: "bench", SMSText: "您好", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, send, storage.RecipientSelection{Query: c.Name}); err != nil {
		b.Fatal(err)
	}
	type msg struct{ pmid, addr string }
	var msgs []msg
	for call := 0; ; call++ {
		rows, err := s.ClaimRecipients(ctx, send.ID, "sms", 1000, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if len(rows) == 0 {
			break
		}
		outs := make([]storage.Outcome, len(rows))
		for i, r := range rows {
			biz := fmt.Sprintf("9006%012d^%d", call, send.ID) // one BizId per call of 1,000 numbers
			outs[i] = storage.Outcome{Recipient: r, Sent: true, ProviderID: biz, Content: "您好"}
			msgs = append(msgs, msg{biz, r.Address[3:]}) // Aliyun writes numbers without +86
		}
		if err := s.CompleteRecipients(ctx, send, "aliyun", "bench", outs); err != nil {
			b.Fatal(err)
		}
	}
	if len(msgs) != n {
		b.Fatalf("%d sent, want %d", len(msgs), n)
	}
	r := rand.New(rand.NewPCG(7, 8))
	list := make([]model.Receipt, 0, n+n/10)
	for i, m := range msgs {
		st, code := model.DeliveryDelivered, "DELIVERED"
		if i%20 == 0 {
			st, code = model.DeliveryUndelivered, "MK:0001"
		}
		list = append(list, model.Receipt{Provider: "aliyun", ProviderMessageID: m.pmid, Address: m.addr, Status: st, Code: code})
		if i%10 == 3 { // pushed a second time
			list = append(list, list[len(list)-1])
		}
	}
	if shuffled {
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	} else {
		for start := 0; start < len(list); start += receiptWindow {
			w := list[start:min(start+receiptWindow, len(list))]
			r.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		}
	}
	runtime.GC()
	b.ResetTimer()
	start := time.Now()
	var peak uint64
	var ms runtime.MemStats
	for len(list) > 0 {
		k := min(len(list), 100+r.IntN(901))
		if _, err := s.ApplyReceipts(ctx, list[:k]); err != nil {
			b.Fatal(err)
		}
		list = list[k:]
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	took := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(n+n/10)/took.Seconds(), "receipts/s")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
	got, _ := s.BulkSendByID(ctx, permission.Policy{Admin: true}, send.ID)
	if got.Counts.Delivered+got.Counts.Undelivered != got.Counts.Sent || got.Counts.Sent != n || got.Counts.Undelivered != n/20 {
		b.Fatalf("counts: %+v", got.Counts)
	}
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, or 0
// where /proc does not tell.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			return v << 10
		}
	}
	return 0
}
