package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// Records a bulk send writes wait for the keyword index in a queue; a
// keyword search finds them while they wait, after they are indexed, and
// never twice, for keywords the index narrows to (rare, one and two
// characters) and keywords found by walking (common).
func TestQueuedRecordsAreFoundBeforeAndAfterIndexing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		admin := permission.Policy{Admin: true}
		c := newCustomer(t, s, "恒信科技", "HX")
		const n = 7
		for i := range n {
			if err := s.CreateContact(ctx, &model.Contact{CustomerID: c.ID, Name: fmt.Sprintf("联系人%d", i),
				Mobile: fmt.Sprintf("+86138%08d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		// Records made by hand are indexed at once; some mention the common
		// word, none the rare ones.
		var manual []*model.Record
		for i := range 60 {
			manual = append(manual, &model.Record{CustomerID: c.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
				Title: "回访", Content: fmt.Sprintf("第%d次电话回访", i), ContactedAt: time.Now().Add(-time.Hour)})
		}
		if err := s.InsertRecords(ctx, manual); err != nil {
			t.Fatal(err)
		}
		if _, sent := storetest.SentBulk(t, s, "年终回馈", func(r *model.BulkRecipient) string {
			return r.ContactName + "您好，退款已办结，回访请回复。"
		}); sent != n {
			t.Fatalf("%d records written, want %d", sent, n)
		}

		search := func(k string) []int64 {
			t.Helper()
			var ids []int64
			if err := s.EachRecord(ctx, admin, storage.RecordFilter{Query: k}, func(r *model.Record) error {
				ids = append(ids, r.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		}
		// keyword → how many records hold it.
		keywords := map[string]int{"退款": n, "办结": n, "款": n, "退款已办结": n, "联系人3": 1, "年终回馈": n,
			"回访": 60 + n, "回": 60 + n, "不存在": 0, "缺": 0}
		before := map[string][]int64{}
		for k, want := range keywords {
			ids := search(k)
			if len(ids) != want || len(slices.Compact(slices.Clone(ids))) != len(ids) {
				t.Fatalf("before indexing, %q found %d records (%v), want %d", k, len(ids), ids, want)
			}
			before[k] = ids
		}
		queued, err := s.QueuedRecords(ctx)
		if err != nil || queued != n {
			t.Fatalf("queued: %d %v, want %d", queued, err, n)
		}
		// Index in small batches: every batch but the last is full.
		var took []int
		for {
			m, err := s.IndexQueuedRecords(ctx, 3)
			if err != nil {
				t.Fatal(err)
			}
			took = append(took, m)
			if m < 3 {
				break
			}
		}
		if !slices.Equal(took, []int{3, 3, 1}) {
			t.Fatalf("batches took %v, want [3 3 1]", took)
		}
		if queued, err := s.QueuedRecords(ctx); err != nil || queued != 0 {
			t.Fatalf("queued after indexing: %d %v", queued, err)
		}
		for k := range keywords {
			if got := search(k); !slices.Equal(got, before[k]) {
				t.Fatalf("after indexing, %q found %v, before %v", k, got, before[k])
			}
		}
		if m, err := s.IndexQueuedRecords(ctx, 3); err != nil || m != 0 {
			t.Fatalf("indexing an empty queue: %d %v", m, err)
		}
	})
}

// A record deleted while queued (its customer deleted) leaves the queue
// and is never indexed.
func TestDeletedQueuedRecordLeavesNoTrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newCustomer(t, s, "临时客户", "TMP")
		if err := s.CreateContact(ctx, &model.Contact{CustomerID: c.ID, Name: "甲", Mobile: "+8613800000001"}); err != nil {
			t.Fatal(err)
		}
		storetest.SentBulk(t, s, "t", func(*model.BulkRecipient) string { return "独一无二的内容" })
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		if m, err := s.IndexQueuedRecords(ctx, 10); err != nil || m > 1 {
			t.Fatalf("index: %d %v", m, err)
		}
		var queued, indexed int
		if err := s.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM record_search_queue),
			(SELECT count(*) FROM record_search)`).Scan(&queued, &indexed); err != nil {
			t.Fatal(err)
		}
		if queued != 0 || indexed != 0 {
			t.Fatalf("after the delete and a run of the indexer: %d queued, %d indexed", queued, indexed)
		}
	})
}
