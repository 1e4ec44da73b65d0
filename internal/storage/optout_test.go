package storage_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestOptOutStampSetKeptCleared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		admin := permission.Policy{Admin: true}
		c := &model.Customer{Name: "Acme", Code: "A"}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ct := &model.Contact{CustomerID: c.ID, Name: "Li", Email: "li@example.com", Mobile: "+8613800000001",
			OptOutSMS: true, OptOutBy: model.OptOutByImport}
		if err := s.CreateContact(ctx, ct); err != nil {
			t.Fatal(err)
		}
		got, err := s.ContactByID(ctx, admin, ct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OptOutSMSAt == nil || got.OptOutSMSSource != model.OptOutByImport {
			t.Fatalf("sms opt-out set on create: at %v source %q", got.OptOutSMSAt, got.OptOutSMSSource)
		}
		if got.OptOutEmailAt != nil || got.OptOutEmailSource != "" {
			t.Fatalf("e-mail not opted out yet: at %v source %q", got.OptOutEmailAt, got.OptOutEmailSource)
		}
		smsAt := *got.OptOutSMSAt

		// A user ticks the e-mail opt-out: stamped manual; SMS keeps its stamp.
		time.Sleep(5 * time.Millisecond)
		got.OptOutEmail = true
		if err := s.UpdateContact(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ContactByID(ctx, admin, ct.ID)
		if got.OptOutEmailSource != model.OptOutByManual || got.OptOutEmailAt == nil {
			t.Fatalf("manual e-mail opt-out: at %v source %q", got.OptOutEmailAt, got.OptOutEmailSource)
		}
		if got.OptOutSMSSource != model.OptOutByImport || !got.OptOutSMSAt.Equal(smsAt) {
			t.Fatalf("sms stamp changed by an unrelated save: %v %q (was %v)", got.OptOutSMSAt, got.OptOutSMSSource, smsAt)
		}

		// Clearing the flag clears its stamp.
		got.OptOutEmail, got.OptOutSMS = false, false
		if err := s.UpdateContact(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ContactByID(ctx, admin, ct.ID)
		if got.OptOutEmail || got.OptOutEmailAt != nil || got.OptOutEmailSource != "" || got.OptOutSMSAt != nil || got.OptOutSMSSource != "" {
			t.Fatalf("cleared: %+v", got)
		}
	})
}

func TestSetOptOutIdempotentWithOneInboundRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		admin := permission.Policy{Admin: true}
		c := &model.Customer{Name: "Acme", Code: "A"}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ct := &model.Contact{CustomerID: c.ID, Name: "Li", Email: "Li@Example.com"}
		other := &model.Contact{CustomerID: c.ID, Name: "Wang", Email: "wang@example.com"}
		for _, x := range []*model.Contact{ct, other} {
			if err := s.CreateContact(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		at := time.Date(2026, 12, 6, 6, 2, 0, 0, time.UTC)
		rec := &model.Record{Title: "邮件退订", Summary: "通过邮件退订链接退订"}
		o := model.OptOut{ContactID: ct.ID, Address: "li@example.com", Channel: model.ChannelEmail,
			Source: model.OptOutByUnsubscribe, At: at, Record: rec}

		// An address that is no longer the contact's changes nothing.
		stale := o
		stale.Address = "old@example.com"
		if ids, err := s.SetOptOut(ctx, stale); err != nil || len(ids) != 0 {
			t.Fatalf("stale address: %v %v", ids, err)
		}
		for i := 0; i < 3; i++ {
			ids, err := s.SetOptOut(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[i == 0]; len(ids) != want {
				t.Fatalf("call %d changed %v, want %d contacts", i, ids, want)
			}
		}
		got, _ := s.ContactByID(ctx, admin, ct.ID)
		if !got.OptOutEmail || got.OptOutEmailSource != model.OptOutByUnsubscribe || got.OptOutEmailAt == nil || !got.OptOutEmailAt.Equal(at) {
			t.Fatalf("opt-out: %v %q %v", got.OptOutEmail, got.OptOutEmailSource, got.OptOutEmailAt)
		}
		if o2, _ := s.ContactByID(ctx, admin, other.ID); o2.OptOutEmail {
			t.Fatal("another contact opted out")
		}
		recs, _, err := s.ListRecords(ctx, admin, storage.RecordFilter{Direction: model.DirectionInbound})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("inbound records: %d, want exactly 1", len(recs))
		}
		r := recs[0]
		if r.Source != model.SourceInbound || r.Direction != model.DirectionInbound || r.Channel != model.ChannelEmail ||
			r.ContactID == nil || *r.ContactID != ct.ID || r.Summary != rec.Summary || !r.ContactedAt.Equal(at) || r.Address != "Li@Example.com" {
			t.Fatalf("inbound record: %+v", r)
		}
		if out, _, _ := s.ListRecords(ctx, admin, storage.RecordFilter{Direction: model.DirectionOutbound}); len(out) != 0 {
			t.Fatalf("outbound filter found %d records", len(out))
		}
		if bySource, _, _ := s.ListRecords(ctx, admin, storage.RecordFilter{Source: model.SourceInbound}); len(bySource) != 1 {
			t.Fatalf("source filter: %d", len(bySource))
		}
		// A keyword finds it too.
		if kw, _, _ := s.ListRecords(ctx, admin, storage.RecordFilter{Query: "退订链接"}); len(kw) != 1 {
			t.Fatalf("keyword: %d", len(kw))
		}

		// By address alone (an SMS reply), without a record.
		sms := &model.Contact{CustomerID: c.ID, Name: "Zhao", Mobile: "+8613800000009"}
		if err := s.CreateContact(ctx, sms); err != nil {
			t.Fatal(err)
		}
		ids, err := s.SetOptOut(ctx, model.OptOut{Address: "+8613800000009", Channel: model.ChannelSMS, Source: model.OptOutByReply})
		if err != nil || len(ids) != 1 || ids[0] != sms.ID {
			t.Fatalf("by address: %v %v", ids, err)
		}
		if _, err := s.SetOptOut(ctx, model.OptOut{ContactID: sms.ID, Channel: model.ChannelPhone, Source: model.OptOutByReply}); err == nil {
			t.Fatal("opt-out of a channel without one accepted")
		}
	})
}

func TestRecordSourceAndDirectionChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c := &model.Customer{Name: "Acme", Code: "A"}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ok := &model.Record{CustomerID: c.ID, Channel: model.ChannelEmail, Source: model.SourceInbound, Direction: model.DirectionInbound}
		if err := s.CreateRecord(ctx, ok); err != nil {
			t.Fatalf("inbound source refused: %v", err)
		}
		for _, bad := range []*model.Record{
			{CustomerID: c.ID, Channel: model.ChannelEmail, Source: "bogus"},
			{CustomerID: c.ID, Channel: model.ChannelEmail, Source: model.SourceManual, Direction: "sideways"},
		} {
			if err := s.CreateRecord(ctx, bad); err == nil {
				t.Fatalf("record with source %q direction %q accepted", bad.Source, bad.Direction)
			}
		}
		plain := &model.Record{CustomerID: c.ID, Channel: model.ChannelPhone, Source: model.SourceManual}
		if err := s.CreateRecord(ctx, plain); err != nil || plain.Direction != model.DirectionOutbound {
			t.Fatalf("default direction: %q %v", plain.Direction, err)
		}
	})
}

func TestImportStampsOptOuts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		admin := permission.Policy{Admin: true}
		w, err := s.NewImportWriter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		name := "Li"
		yes, no := true, false
		c := &storage.ImportCustomer{Code: "C1", Name: &name}
		a := &storage.ImportContact{Name: &name, OptOutSMS: &yes}
		b := &storage.ImportContact{Name: &name}
		if err := w.InTx(ctx, func(tx *storage.ImportTx) error {
			if err := tx.CreateCustomers(ctx, []*storage.ImportCustomer{c}); err != nil {
				return err
			}
			a.CustomerID, b.CustomerID = c.ID, c.ID
			return tx.CreateContacts(ctx, []*storage.ImportContact{a, b})
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ContactByID(ctx, admin, a.ID)
		if got.OptOutSMSSource != model.OptOutByImport || got.OptOutSMSAt == nil || got.OptOutEmailSource != "" {
			t.Fatalf("created: %q %v %q", got.OptOutSMSSource, got.OptOutSMSAt, got.OptOutEmailSource)
		}
		// A user's e-mail opt-out on b stays as it is when an import leaves it on.
		gb, _ := s.ContactByID(ctx, admin, b.ID)
		gb.OptOutEmail = true
		if err := s.UpdateContact(ctx, gb); err != nil {
			t.Fatal(err)
		}
		if err := w.InTx(ctx, func(tx *storage.ImportTx) error {
			return tx.UpdateContacts(ctx, []*storage.ImportContact{
				{ID: a.ID, CustomerID: c.ID, OptOutSMS: &no, OptOutEmail: &yes},
				{ID: b.ID, CustomerID: c.ID, OptOutSMS: &yes, OptOutEmail: &yes},
			})
		}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ContactByID(ctx, admin, a.ID)
		if got.OptOutSMS || got.OptOutSMSAt != nil || got.OptOutSMSSource != "" || got.OptOutEmailSource != model.OptOutByImport || got.OptOutEmailAt == nil {
			t.Fatalf("a updated: %+v", got)
		}
		gb, _ = s.ContactByID(ctx, admin, b.ID)
		if gb.OptOutEmailSource != model.OptOutByManual || gb.OptOutSMSSource != model.OptOutByImport {
			t.Fatalf("b updated: email %q sms %q", gb.OptOutEmailSource, gb.OptOutSMSSource)
		}
	})
}
