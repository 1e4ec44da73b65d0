package demo_test

import (
	"context"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/contact"
	"touchbase/internal/demo"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestLoadIsIdempotentAndRealistic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		loaded, err := demo.Load(ctx, s)
		if err != nil || !loaded {
			t.Fatalf("first load: %v %v", loaded, err)
		}
		loaded, err = demo.Load(ctx, s)
		if err != nil || loaded {
			t.Fatalf("second load should do nothing: %v %v", loaded, err)
		}
		admin := permission.Policy{Admin: true, Visibility: model.VisibilityTeam}
		_, total, err := s.ListCustomers(ctx, admin, storage.CustomerFilter{})
		if err != nil || total != demo.Customers {
			t.Fatalf("customers = %d (%v), want %d", total, err, demo.Customers)
		}
		var contacts int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contacts`).Scan(&contacts); err != nil || contacts != demo.Contacts {
			t.Fatalf("contacts = %d (%v), want %d", contacts, err, demo.Contacts)
		}
		topics, _ := s.ListTopics(ctx, true)
		if len(topics) != 5 || topics[0].Name != "产品介绍" || topics[0].Label("en") != "Product introduction" {
			t.Fatalf("topics: %+v", topics)
		}
		users, _ := s.ListUsers(ctx, storage.UserFilter{})
		if len(users) != demo.Agents+1 {
			t.Fatalf("users = %d, want %d", len(users), demo.Agents+1)
		}
		a := auth.NewService(s, auth.DefaultSessionLimits)
		u, err := a.Login(ctx, "agent1", demo.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("agent1/demo login: %v", err)
		}
		if len(u.ManagedTeamIDs) != 1 {
			t.Fatalf("agent1 should manage one team, manages %v", u.ManagedTeamIDs)
		}
		// An agent sees some customers but not all; their own are a subset.
		st, _ := s.Settings(ctx)
		p := permission.For(u, st)
		_, seen, _ := s.ListCustomers(ctx, p, storage.CustomerFilter{})
		_, mine, _ := s.ListCustomers(ctx, p, storage.CustomerFilter{Mine: true})
		if mine == 0 || seen <= mine || seen >= demo.Customers {
			t.Fatalf("agent1 serves %d and sees %d of %d customers", mine, seen, demo.Customers)
		}
		// Every rep's day has something in it: overdue and upcoming plans
		// of their own, on customers they may contact, and past records.
		now := time.Now()
		for _, f := range []storage.PlanFilter{{OwnerID: u.ID, Status: model.PlanOpen, DueTo: now},
			{OwnerID: u.ID, Status: model.PlanOpen, DueFrom: now}, {OwnerID: u.ID, Status: model.PlanDone}} {
			n, err := s.CountPlans(ctx, p, f)
			if err != nil || n == 0 {
				t.Fatalf("agent1's plans %+v: %d %v", f, n, err)
			}
		}
		plans, _ := s.ListPlans(ctx, p, storage.PlanFilter{OwnerID: u.ID})
		for _, pl := range plans {
			if a, err := s.CustomerAccess(ctx, p, pl.CustomerID); err != nil || !a.Contact {
				t.Fatalf("agent1 has a plan on a customer they may not contact: %+v", pl)
			}
		}
		recs, _, err := s.ListRecords(ctx, p, storage.RecordFilter{UserID: u.ID, Limit: 100})
		if err != nil || len(recs) < 12 {
			t.Fatalf("agent1's records: %d %v", len(recs), err)
		}
		// Every mobile is valid E.164 as the contact validator would store it.
		rows, err := s.ReadDB().QueryContext(ctx, `SELECT mobile FROM contacts`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				t.Fatal(err)
			}
			if n, err := contact.NormalizeMobile(m, "CN"); err != nil || n != m {
				t.Fatalf("demo mobile %q is not valid E.164: %q %v", m, n, err)
			}
		}
	})
}
