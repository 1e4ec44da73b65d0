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

// A claim handed back (its rows never reached a provider) leaves them
// pending as before the claim, attempts included, and touches no other
// holder's rows.
func TestReleasedClaimIsPendingAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := newCustomer(t, s, "恒信科技", "HX")
		for i := range 6 {
			if err := s.CreateContact(ctx, &model.Contact{CustomerID: c.ID, Name: fmt.Sprintf("联系人%d", i),
				Mobile: fmt.Sprintf("+86138%08d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		admin := permission.Policy{Admin: true}
		b := &model.BulkSend{Title: "t", SMSText: "您好", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
		if err := s.CreateBulkSend(ctx, admin, b, storage.RecipientSelection{HasMobile: true}); err != nil {
			t.Fatal(err)
		}
		mine, err := s.ClaimRecipients(ctx, b.ID, "sms", 4, "mine")
		if err != nil || len(mine) != 4 || mine[0].Attempts != 1 || mine[0].ContactName == "" {
			t.Fatalf("claim: %v %+v", err, mine)
		}
		other, err := s.ClaimRecipients(ctx, b.ID, "sms", 4, "other")
		if err != nil || len(other) != 2 {
			t.Fatalf("second claim: %v %d", err, len(other))
		}
		if err := s.ReleaseClaim(ctx, b.ID, "sms", "mine"); err != nil {
			t.Fatal(err)
		}
		var pending, attempts, sending int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(attempts), 0) FROM bulk_recipients
			WHERE bulk_send_id = $1 AND status = 'pending' AND claimed_by = ''`, b.ID).Scan(&pending, &attempts); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1
			AND status = 'sending' AND claimed_by = 'other' AND attempts = 1`, b.ID).Scan(&sending); err != nil {
			t.Fatal(err)
		}
		if pending != 4 || attempts != 0 || sending != 2 {
			t.Fatalf("after the release: %d pending (%d attempts), %d still the other holder's", pending, attempts, sending)
		}
		again, err := s.ClaimRecipients(ctx, b.ID, "sms", 10, "again")
		if err != nil || len(again) != 4 || again[0].Attempts != 1 {
			t.Fatalf("claim after the release: %v %+v", err, again)
		}
	})
}

// A claim hands back its rows in id order, each with the merge fields of
// its own contact and customer, even across customers and when a customer
// has no code.
func TestClaimCarriesEachRecipientsMergeData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		customers := []*model.Customer{newCustomer(t, s, "恒信科技", "HX"), newCustomer(t, s, "远航物流", "")}
		want := map[string][2]string{} // mobile → contact name, customer name
		for i := range 5 {
			c := customers[i%2]
			ct := &model.Contact{CustomerID: c.ID, Name: fmt.Sprintf("联系人%d", i), Title: fmt.Sprintf("职位%d", i),
				Mobile: fmt.Sprintf("+86139%08d", i), Email: fmt.Sprintf("c%d@example.com", i)}
			if err := s.CreateContact(ctx, ct); err != nil {
				t.Fatal(err)
			}
			want[ct.Mobile] = [2]string{ct.Name, c.Name}
		}
		b := &model.BulkSend{Title: "t", SMSText: "您好", Selection: "{}", Status: model.BulkRunning, ScheduledAt: time.Now()}
		if err := s.CreateBulkSend(ctx, permission.Policy{Admin: true}, b, storage.RecipientSelection{HasMobile: true}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimRecipients(ctx, b.ID, "sms", 10, "w")
		if err != nil || len(got) != 5 {
			t.Fatalf("claim: %v %d", err, len(got))
		}
		for i, r := range got {
			if i > 0 && got[i-1].ID >= r.ID {
				t.Fatalf("rows out of id order: %d before %d", got[i-1].ID, r.ID)
			}
			w, ok := want[r.Address]
			if !ok || r.ContactMobile != r.Address || r.ContactName != w[0] || r.CustomerName != w[1] ||
				r.ContactTitle != "职位"+r.ContactName[len("联系人"):] || r.ContactEmail == "" {
				t.Fatalf("row %d: %+v, want %v", i, r, w)
			}
			wantCode := "HX"
			if w[1] == "远航物流" {
				wantCode = ""
			}
			if r.CustomerCode != wantCode || r.ContactID == nil || r.CustomerID == nil {
				t.Fatalf("row %d: code %q ids %v %v", i, r.CustomerCode, r.ContactID, r.CustomerID)
			}
		}
	})
}
