package bulk_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/bulk"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestRightsAreCheckedWhenTheSendGoes: a rep schedules a send to a
// customer they serve as sharer and to one of their own; the share is
// removed before the send's time. When it goes, the shared customer's
// contacts are skipped ("no_permission"), nothing reaches them, and the
// send's recipient list no longer shows the rep those contacts' names
// and numbers; an admin still sees every row.
func TestRightsAreCheckedWhenTheSendGoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		st, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.Visibility = model.VisibilityOwn
		if err := s.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, s, bulk.Config{})
		other := &model.User{Username: "rep2", DisplayName: "李强", Role: model.RoleAgent, Active: true}
		if err := s.CreateUser(ctx, other); err != nil {
			t.Fatal(err)
		}
		mine := &model.Customer{Name: "自己的客户", Code: "MINE", RepID: &e.operator.ID}
		shared := &model.Customer{Name: "共享的客户", Code: "SHARED", RepID: &other.ID}
		for _, c := range []*model.Customer{mine, shared} {
			if err := s.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetRelation(ctx, &model.Relation{CustomerID: shared.ID, UserID: e.operator.ID, Kind: model.RelationSharer}); err != nil {
			t.Fatal(err)
		}
		own := &model.Contact{CustomerID: mine.ID, Name: "张伟", Mobile: "+8613800000001"}
		theirs := &model.Contact{CustomerID: shared.ID, Name: "赵敏", Mobile: "+8613800000002"}
		for _, c := range []*model.Contact{own, theirs} {
			if err := s.CreateContact(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		at := time.Now().Add(1500 * time.Millisecond)
		b, err := e.svc.Create(ctx, e.pol, e.operator, bulk.Input{Title: "回访", SMSText: "您好", ScheduledAt: &at,
			Recipients: storage.RecipientSelection{ContactIDs: []int64{own.ID, theirs.ID}}})
		if err != nil || b.Counts.Total != 2 {
			t.Fatalf("create: %v, %+v", err, b)
		}
		if err := s.DeleteRelation(ctx, shared.ID, e.operator.ID); err != nil {
			t.Fatal(err)
		}
		done := e.wait(t, b.ID)
		if c := done.Counts; c.Sent != 1 || c.Skipped != 1 {
			t.Fatalf("counts: %+v", c)
		}
		if n := e.count(t, `SELECT count(*) FROM outbox_messages WHERE to_address = $1`, theirs.Mobile); n != 0 {
			t.Fatalf("the contact the operator may no longer see got %d messages", n)
		}
		rows, err := e.svc.Recipients(ctx, e.pol, b.ID, storage.RecipientFilter{})
		if err != nil || len(rows) != 1 || rows[0].ContactName != own.Name {
			t.Fatalf("the operator's list: %v, %+v", err, rows)
		}
		all, err := e.svc.Recipients(ctx, permission.Policy{Admin: true}, b.ID, storage.RecipientFilter{Status: model.RecipientSkipped})
		if err != nil || len(all) != 1 || all[0].ContactName != theirs.Name || all[0].Reason != model.SkipNoPermission {
			t.Fatalf("an admin's list of the skipped: %v, %+v", err, all)
		}
	})
}
