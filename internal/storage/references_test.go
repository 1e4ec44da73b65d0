package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// refFixture is a customer with two contacts, a user, a record of each
// contact by that user and a bulk send to both.
type refFixture struct {
	customer  *model.Customer
	contacts  [2]*model.Contact
	user      *model.User
	records   [2]*model.Record
	bulk      *model.BulkSend
	recipient [2]int64 // bulk_recipients ids, in contact order
}

func newRefFixture(t *testing.T, s *storage.Store, tag string) *refFixture {
	t.Helper()
	ctx := context.Background()
	f := &refFixture{customer: newCustomer(t, s, "引用客户"+tag, "REF"+tag)}
	f.user = newUser(t, s, "ref"+tag)
	for i := range f.contacts {
		f.contacts[i] = &model.Contact{CustomerID: f.customer.ID, Name: fmt.Sprintf("联系人%s%d", tag, i),
			Mobile: fmt.Sprintf("+861370%s%06d", tag, i)}
		if err := s.CreateContact(ctx, f.contacts[i]); err != nil {
			t.Fatal(err)
		}
		f.records[i] = &model.Record{CustomerID: f.customer.ID, ContactID: &f.contacts[i].ID, UserID: &f.user.ID,
			Channel: "phone", Source: "manual", Title: "回访"}
		if err := s.CreateRecord(ctx, f.records[i]); err != nil {
			t.Fatal(err)
		}
	}
	f.bulk = &model.BulkSend{Title: "t", SMSText: "您好", Selection: "{}", Status: model.BulkScheduled,
		ScheduledAt: time.Now().Add(time.Hour)}
	sel := storage.RecipientSelection{ContactIDs: []int64{f.contacts[0].ID, f.contacts[1].ID}}
	if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, f.bulk, sel); err != nil {
		t.Fatal(err)
	}
	for i, c := range f.contacts {
		if err := s.DB().QueryRowContext(ctx, `SELECT id FROM bulk_recipients WHERE bulk_send_id = $1 AND contact_id = $2`,
			f.bulk.ID, c.ID).Scan(&f.recipient[i]); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func nullableID(t *testing.T, db *sql.DB, query string, id int64) (int64, bool) {
	t.Helper()
	var v sql.NullInt64
	if err := db.QueryRowContext(context.Background(), query, id).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v.Int64, v.Valid
}

func countOf(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Records and bulk recipients refer only to rows that exist, and deleting
// a contact, customer, user or bulk send does to the rows referring to it
// what each reference says (set null or cascade), on both dialects.
func TestReferencesOfRecordsAndRecipients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		db := s.DB()
		f := newRefFixture(t, s, "1")
		const missing = 987654321

		// A record naming a missing contact, customer or user is refused
		// with the field error, and nothing is written.
		before := countOf(t, db, `SELECT count(*) FROM contact_records`)
		for name, r := range map[string]*model.Record{
			"contact":  {CustomerID: f.customer.ID, ContactID: ptr(int64(missing)), Channel: "phone", Source: "manual"},
			"customer": {CustomerID: missing, Channel: "phone", Source: "manual"},
			"user":     {CustomerID: f.customer.ID, UserID: ptr(int64(missing)), Channel: "phone", Source: "manual"},
		} {
			var fe *model.FieldError
			if err := s.CreateRecord(ctx, r); !errors.As(err, &fe) {
				t.Fatalf("record with a missing %s: %v", name, err)
			}
		}
		if n := countOf(t, db, `SELECT count(*) FROM contact_records`); n != before {
			t.Fatalf("refused records were written: %d → %d", before, n)
		}
		// The same for a change of a record's contact, and for recipients.
		for _, q := range []string{
			`UPDATE contact_records SET contact_id = $1 WHERE id = $2`,
			`UPDATE contact_records SET user_id = $1 WHERE id = $2`,
			`UPDATE bulk_recipients SET contact_id = $1 WHERE id = $2`,
			`UPDATE bulk_recipients SET bulk_send_id = $1 WHERE id = $2`,
		} {
			id := f.records[0].ID
			if q[7:22] == "bulk_recipients" {
				id = f.recipient[0]
			}
			if _, err := db.ExecContext(ctx, q, missing, id); !storage.IsForeignKeyViolation(err) {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, col := range []string{"bulk_send_id", "contact_id", "customer_id"} {
			vals := map[string]any{"bulk_send_id": f.bulk.ID, "contact_id": nil, "customer_id": nil}
			vals[col] = missing
			_, err := db.ExecContext(ctx, `INSERT INTO bulk_recipients (bulk_send_id, contact_id, customer_id, channel, address,
				status, next_attempt_at, updated_at) VALUES ($1, $2, $3, 'email', 'x@example.com', 'pending', $4, $4)`,
				vals["bulk_send_id"], vals["contact_id"], vals["customer_id"], time.Now())
			if !storage.IsForeignKeyViolation(err) {
				t.Fatalf("recipient with a missing %s: %v", col, err)
			}
		}

		// Deleting a contact keeps its record and recipient row, without it.
		if err := s.DeleteContact(ctx, f.contacts[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := nullableID(t, db, `SELECT contact_id FROM contact_records WHERE id = $1`, f.records[0].ID); ok {
			t.Fatal("the deleted contact's record still names it")
		}
		if _, ok := nullableID(t, db, `SELECT contact_id FROM bulk_recipients WHERE id = $1`, f.recipient[0]); ok {
			t.Fatal("the deleted contact's recipient row still names it")
		}
		if id, ok := nullableID(t, db, `SELECT contact_id FROM contact_records WHERE id = $1`, f.records[1].ID); !ok || id != f.contacts[1].ID {
			t.Fatal("the other contact's record lost its contact")
		}

		// Deleting a user keeps the user's records, without the user.
		if _, err := db.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, f.user.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := nullableID(t, db, `SELECT user_id FROM contact_records WHERE id = $1`, f.records[1].ID); ok {
			t.Fatal("the deleted user's record still names them")
		}

		// Deleting a customer deletes its records; its recipient rows stay.
		other := newRefFixture(t, s, "2")
		if err := s.DeleteCustomer(ctx, f.customer.ID); err != nil {
			t.Fatal(err)
		}
		if n := countOf(t, db, `SELECT count(*) FROM contact_records WHERE id IN ($1, $2)`, f.records[0].ID, f.records[1].ID); n != 0 {
			t.Fatalf("%d records of the deleted customer are left", n)
		}
		if n := countOf(t, db, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1 AND customer_id IS NULL
			AND contact_id IS NULL`, f.bulk.ID); n != 2 {
			t.Fatalf("%d of the deleted customer's 2 recipient rows are kept without it", n)
		}
		if n := countOf(t, db, `SELECT count(*) FROM contact_records WHERE customer_id = $1`, other.customer.ID); n != 2 {
			t.Fatalf("another customer's records: %d, want 2", n)
		}

		// Deleting a bulk send deletes its recipient rows, and only those.
		if _, err := db.ExecContext(ctx, `DELETE FROM bulk_sends WHERE id = $1`, f.bulk.ID); err != nil {
			t.Fatal(err)
		}
		if n := countOf(t, db, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1`, f.bulk.ID); n != 0 {
			t.Fatalf("%d recipient rows of the deleted send are left", n)
		}
		if n := countOf(t, db, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1`, other.bulk.ID); n != 2 {
			t.Fatalf("another send's recipient rows: %d, want 2", n)
		}
	})
}

// On PostgreSQL the references are checked once per statement; these are
// the races a foreign key's check settles, settled the same way.
func TestReferencesUnderConcurrentDeletes(t *testing.T) {
	s := storetest.Postgres(t)
	ctx := context.Background()
	db := s.DB()

	// A contact deleted while a record naming it is being written waits
	// for that record, and then leaves it without the contact.
	f := newRefFixture(t, s, "3")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }() // after a failure: frees the waiting delete
	var rec int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO contact_records (customer_id, contact_id, channel, source, contacted_at, created_at)
		VALUES ($1, $2, 'phone', 'manual', now(), now()) RETURNING id`, f.customer.ID, f.contacts[0].ID).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	deleted := make(chan error, 1)
	go func() { deleted <- s.DeleteContact(ctx, f.contacts[0].ID) }()
	select {
	case err := <-deleted:
		t.Fatalf("the contact was deleted while a record naming it was being written: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; err != nil {
		t.Fatal(err)
	}
	if _, ok := nullableID(t, db, `SELECT contact_id FROM contact_records WHERE id = $1`, rec); ok {
		t.Fatal("a record written during the delete still names the deleted contact")
	}

	// A record naming a contact being deleted waits for the delete, and
	// is refused once it commits.
	tx2, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx2.Rollback() }()
	if _, err := tx2.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1`, f.contacts[1].ID); err != nil {
		t.Fatal(err)
	}
	inserted := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, `INSERT INTO contact_records (customer_id, contact_id, channel, source, contacted_at, created_at)
			VALUES ($1, $2, 'phone', 'manual', now(), now())`, f.customer.ID, f.contacts[1].ID)
		inserted <- err
	}()
	select {
	case err := <-inserted:
		t.Fatalf("a record naming a contact being deleted did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx2.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-inserted; !storage.IsForeignKeyViolation(err) {
		t.Fatalf("a record naming a deleted contact: %v", err)
	}

	// A referenced id cannot change.
	if _, err := db.ExecContext(ctx, `UPDATE customers SET id = id + 1000000 WHERE id = $1`, f.customer.ID); !storage.IsForeignKeyViolation(err) {
		t.Fatalf("changing a referenced customer's id: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
