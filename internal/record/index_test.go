package record_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// Indexing gives way to a bulk send under way for up to a minute, then
// indexes every queued record; once no send is under way it indexes at
// once.
func TestIndexingGivesWayToRunningSends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := setup(t, s)
		b, sent := storetest.SentBulk(t, s, "回馈", func(*model.BulkRecipient) string { return "您好" })
		queued := func() int {
			t.Helper()
			n, err := s.QueuedRecords(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		want := queued()
		if want != sent {
			t.Fatalf("%d records queued, want %d", want, sent)
		}

		// A send under way, records queued moments ago: nothing is indexed.
		n, more, err := f.svc.IndexQueued(ctx, time.Minute)
		if err != nil || n != 0 || !more || queued() != want {
			t.Fatalf("while the send runs: indexed %d, more %v, err %v, %d queued", n, more, err, queued())
		}
		// The same a minute and more later: the queue has waited long enough.
		later := record.NewService(s, f.reg, nil, nil, func() time.Time { return time.Now().Add(61 * time.Second) })
		n, more, err = later.IndexQueued(ctx, time.Minute)
		if err != nil || n != want || more || queued() != 0 {
			t.Fatalf("a minute later: indexed %d of %d, more %v, err %v, %d queued", n, want, more, err, queued())
		}

		// No send under way: indexed at once.
		if _, err := s.DB().ExecContext(ctx, `UPDATE bulk_sends SET status = $1 WHERE id = $2`, model.BulkDone, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO record_search_queue (record_id) SELECT id FROM contact_records
			WHERE bulk_send_id = $1`, b.ID); err != nil {
			t.Fatal(err)
		}
		key := "record_id"
		if s.Dialect() == storage.SQLite {
			key = "rowid" // the FTS5 index
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM record_search WHERE `+key+` IN (SELECT id FROM contact_records
			WHERE bulk_send_id = $1)`, b.ID); err != nil {
			t.Fatal(err)
		}
		n, more, err = f.svc.IndexQueued(ctx, time.Minute)
		if err != nil || n != want || more || queued() != 0 {
			t.Fatalf("no send under way: indexed %d of %d, more %v, err %v, %d queued", n, want, more, err, queued())
		}
		// Nothing queued: nothing to do.
		if n, more, err := f.svc.IndexQueued(ctx, time.Minute); err != nil || n != 0 || more {
			t.Fatalf("empty queue: %d %v %v", n, more, err)
		}
	})
}
