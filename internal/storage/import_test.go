package storage_test

import (
	"context"
	"fmt"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestImportWriter writes more rows than one statement holds, with NULLs
// in every position, on both dialects.
func TestImportWriter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		rep := &model.User{Username: "rep", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, rep); err != nil {
			t.Fatal(err)
		}
		w, err := s.NewImportWriter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		str := func(v string) *string { return &v }
		yes, no := true, false
		const n = 450 // two full statements and a shorter one
		cs := make([]*storage.ImportCustomer, n)
		for i := range cs {
			cs[i] = &storage.ImportCustomer{Code: fmt.Sprintf("C%03d", i), Name: str(fmt.Sprintf("Customer %d", i))}
			if i%2 == 0 {
				cs[i].Level, cs[i].RepID, cs[i].DoNotContact = str("A"), &rep.ID, &yes
			}
		}
		var cts []*storage.ImportContact
		err = w.InTx(ctx, func(tx *storage.ImportTx) error {
			if err := tx.CreateCustomers(ctx, cs); err != nil {
				return err
			}
			for _, c := range cs {
				// Two contacts alike in all but their title.
				for _, title := range []string{"", "boss"} {
					cts = append(cts, &storage.ImportContact{CustomerID: c.ID, Name: str("Li"), Title: str(title),
						Primary: &yes})
				}
			}
			return tx.CreateContacts(ctx, cts)
		})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, ct := range cts {
			if ct.ID == 0 || seen[ct.ID] {
				t.Fatalf("contact id %d missing or given twice", ct.ID)
			}
			seen[ct.ID] = true
		}

		// Update: odd customers get a level and lose do-not-contact, even
		// ones keep everything; the second contact of each stays primary.
		upd := make([]*storage.ImportCustomer, n)
		for i, c := range cs {
			upd[i] = &storage.ImportCustomer{ID: c.ID}
			if i%2 == 1 {
				upd[i].Level, upd[i].Notes, upd[i].DoNotContact = str("B"), str("note"), &no
			}
		}
		var ctUpd []*storage.ImportContact
		var keepCustomers, keepContacts []int64
		for i := 0; i < len(cts); i += 2 {
			ctUpd = append(ctUpd, &storage.ImportContact{ID: cts[i].ID, CustomerID: cts[i].CustomerID,
				Mobile: str("+8613800138000"), Primary: &no})
			keepCustomers = append(keepCustomers, cts[i+1].CustomerID)
			keepContacts = append(keepContacts, cts[i+1].ID)
		}
		err = w.InTx(ctx, func(tx *storage.ImportTx) error {
			if err := tx.UpdateCustomers(ctx, upd); err != nil {
				return err
			}
			if err := tx.UpdateContacts(ctx, ctUpd); err != nil {
				return err
			}
			return tx.KeepPrimary(ctx, keepCustomers, keepContacts)
		})
		if err != nil {
			t.Fatal(err)
		}

		for _, i := range []int{0, 1, 200, 449} {
			c, err := s.CustomerByCode(ctx, fmt.Sprintf("C%03d", i))
			if err != nil {
				t.Fatal(err)
			}
			wantLevel, wantNotes, wantDNC, wantRep := "A", "", true, true
			if i%2 == 1 {
				wantLevel, wantNotes, wantDNC, wantRep = "B", "note", false, false
			}
			if c.Name != fmt.Sprintf("Customer %d", i) || c.Level != wantLevel || c.Notes != wantNotes ||
				c.DoNotContact != wantDNC || (c.RepID != nil) != wantRep || c.ContactCount != 2 {
				t.Errorf("customer %d = %+v", i, c)
			}
		}
		keys, err := s.ContactKeys(ctx, []int64{cs[0].ID, cs[449].ID})
		if err != nil || len(keys) != 4 {
			t.Fatalf("contact keys %v, %v", keys, err)
		}
		var primaries, mobiles int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM contacts WHERE is_primary), (SELECT count(*) FROM contacts WHERE mobile <> '')`).
			Scan(&primaries, &mobiles); err != nil {
			t.Fatal(err)
		}
		if primaries != n || mobiles != n {
			t.Errorf("%d primary contacts and %d with a mobile, want %d of each", primaries, mobiles, n)
		}
		codes, err := s.CustomerCodes(ctx)
		if err != nil || len(codes) != n || codes["C007"] != cs[7].ID {
			t.Errorf("customer codes: %d, %v", len(codes), err)
		}
	})
}

// TestImportWriterConflict reports a code taken meanwhile as a conflict.
func TestImportWriterConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.CreateCustomer(ctx, &model.Customer{Code: "X", Name: "X"}); err != nil {
			t.Fatal(err)
		}
		w, err := s.NewImportWriter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		name := "Again"
		err = w.InTx(ctx, func(tx *storage.ImportTx) error {
			return tx.CreateCustomers(ctx, []*storage.ImportCustomer{{Code: "X", Name: &name}})
		})
		if fe, ok := model.AsValidation(err); !ok || fe.For("code") == nil {
			t.Errorf("err = %v, want a conflict on code", err)
		}
	})
}
