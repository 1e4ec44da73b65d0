package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// Every move of a recipient keeps "settled" true exactly for sent, failed
// and skipped rows: claims find work by that flag, and a send is done when
// no row of it is unsettled. (On PostgreSQL a CHECK refuses a statement
// that breaks this; on SQLite only these statements keep it.)
func TestSettledFollowsEveryRecipientMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newCustomer(t, s, "恒信科技", "HX")
		for i := range 9 {
			ct := &model.Contact{CustomerID: c.ID, Name: fmt.Sprintf("联系人%d", i), Mobile: fmt.Sprintf("+86137%08d", i)}
			ct.OptOutSMS = i == 8
			if err := s.CreateContact(ctx, ct); err != nil {
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
		// check asserts the invariant and how many rows are in each state.
		check := func(step string, want map[string]int) {
			t.Helper()
			var wrong int
			if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1
				AND settled <> (status IN ('sent', 'failed', 'skipped'))`, b.ID).Scan(&wrong); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			rows, err := s.DB().QueryContext(ctx, `SELECT status, count(*) FROM bulk_recipients WHERE bulk_send_id = $1
				GROUP BY status`, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var st string
				var n int
				if err := rows.Scan(&st, &n); err != nil {
					t.Fatal(err)
				}
				got[st] = n
			}
			if wrong != 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: %d rows with settled out of step; statuses %v, want %v", step, wrong, got, want)
			}
		}
		check("accepted", map[string]int{"pending": 8, "skipped": 1})

		first, err := s.ClaimRecipients(ctx, b.ID, "sms", 4, "w1")
		if err != nil || len(first) != 4 {
			t.Fatalf("claim: %v %d", err, len(first))
		}
		check("claimed", map[string]int{"pending": 4, "sending": 4, "skipped": 1})

		// A row being sent is passed over by the next claim.
		second, err := s.ClaimRecipients(ctx, b.ID, "sms", 2, "w2")
		if err != nil || len(second) != 2 || second[0].ID <= first[3].ID {
			t.Fatalf("second claim: %v %+v", err, second)
		}
		outs := []storage.Outcome{
			{Recipient: first[0], Sent: true, Content: "您好"},
			{Recipient: first[1], Reason: "invalid_mobile", Detail: "refused"},
			{Recipient: first[2], Reason: "provider_error", Retry: true, RetryAt: time.Now().Add(-time.Second)},
			{Recipient: first[3], Sent: true, Content: "您好"},
		}
		if err := s.CompleteRecipients(ctx, send, "webhook", "w1", outs); err != nil {
			t.Fatal(err)
		}
		check("settled", map[string]int{"pending": 3, "sending": 2, "sent": 2, "failed": 1, "skipped": 1})

		if err := s.ReleaseClaim(ctx, b.ID, "sms", "w2"); err != nil {
			t.Fatal(err)
		}
		check("released", map[string]int{"pending": 5, "sent": 2, "failed": 1, "skipped": 1})

		// Rows of a process that stopped: those it had handed to the
		// provider failed as outcome unknown, or back to pending where the
		// provider never delivers a ref twice; those it had not, pending.
		gone, err := s.ClaimRecipients(ctx, b.ID, "sms", 3, "gone")
		if err != nil || len(gone) != 3 {
			t.Fatalf("claim: %v %d", err, len(gone))
		}
		if _, err := s.SettleAndHand(ctx, send, "smtp", "gone", nil, []int64{gone[0].ID, gone[1].ID}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Millisecond, false); err != nil || n != 3 {
			t.Fatalf("resolve stale: %v %d", err, n)
		}
		check("stale failed", map[string]int{"pending": 3, "sent": 2, "failed": 3, "skipped": 1})
		if _, err := s.ClaimRecipients(ctx, b.ID, "sms", 2, "gone too"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if n, err := s.ResolveStaleSending(ctx, b.ID, "sms", time.Millisecond, true); err != nil || n != 2 {
			t.Fatalf("resolve stale for resending: %v %d", err, n)
		}
		check("stale resent", map[string]int{"pending": 3, "sent": 2, "failed": 3, "skipped": 1})

		if done, err := s.FinishBulkSendIfDone(ctx, b.ID); err != nil || done {
			t.Fatalf("finished with rows pending: %v %v", err, done)
		}
		// Of the three failed, two may have arrived: they stay unless
		// asked for.
		if c, err := s.BulkSendByID(ctx, permission.Policy{Admin: true}, b.ID); err != nil || c.Counts.Failed != 3 || c.Counts.Unknown != 2 {
			t.Fatalf("counts before the retry: %+v, %v", c.Counts, err)
		}
		if n, err := s.RetryFailedRecipients(ctx, b.ID, false); err != nil || n != 1 {
			t.Fatalf("retry failed: %v %d", err, n)
		}
		check("retried", map[string]int{"pending": 4, "sent": 2, "failed": 2, "skipped": 1})
		if n, err := s.RetryFailedRecipients(ctx, b.ID, true); err != nil || n != 2 {
			t.Fatalf("retry failed with those of unknown outcome: %v %d", err, n)
		}
		check("retried all", map[string]int{"pending": 6, "sent": 2, "skipped": 1})

		if ok, err := s.CancelBulkSend(ctx, b.ID); err != nil || !ok {
			t.Fatalf("cancel: %v %v", err, ok)
		}
		check("cancelled", map[string]int{"sent": 2, "skipped": 7})
		if at, pending, err := s.NextRecipientAttempt(ctx, b.ID, "sms"); err != nil || pending {
			t.Fatalf("next attempt after the cancel: %v %v %v", err, pending, at)
		}
	})
}

// No index of bulk_recipients names the status, so a claim, which changes
// the status and nothing indexed, updates its rows in place on PostgreSQL
// (where the table leaves room on each page for it).
func TestNoRecipientIndexNamesTheStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bulk_recipients' AND sql IS NOT NULL`
		if s.Dialect() == storage.Postgres {
			q = `SELECT indexdef FROM pg_indexes WHERE tablename = 'bulk_recipients'`
		}
		rows, err := s.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var def string
			if err := rows.Scan(&def); err != nil {
				t.Fatal(err)
			}
			n++
			if strings.Contains(strings.ToLower(def), "status") {
				t.Errorf("index names the status: %s", def)
			}
		}
		if err := rows.Err(); err != nil || n < 2 {
			t.Fatalf("%d index definitions read: %v", n, err)
		}
		if s.Dialect() == storage.Postgres {
			var opts sql.NullString
			if err := s.DB().QueryRowContext(ctx, `SELECT array_to_string(reloptions, ',') FROM pg_class
				WHERE relname = 'bulk_recipients'`).Scan(&opts); err != nil || !strings.Contains(opts.String, "fillfactor=50") {
				t.Fatalf("bulk_recipients options %q: %v", opts.String, err)
			}
		}
	})
}
