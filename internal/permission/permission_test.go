package permission_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// world is the fixture of the matrix: two teams, users in every relation to
// customer X (whose exclusive rep is in team 1) and customer Y (no rep).
type world struct {
	users     map[string]*model.User
	customers map[string]*model.Customer
}

func buildWorld(t *testing.T, s *storage.Store) world {
	t.Helper()
	ctx := context.Background()
	w := world{users: map[string]*model.User{}, customers: map[string]*model.Customer{}}
	mkUser := func(name string, role model.Role, team *model.Team) *model.User {
		u := &model.User{Username: name, Role: role, Active: true}
		if team != nil {
			u.TeamID = &team.ID
		}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("create user %s: %v", name, err)
		}
		w.users[name] = u
		return u
	}
	t1 := &model.Team{Name: "T1"}
	t2 := &model.Team{Name: "T2"}
	for _, tm := range []*model.Team{t1, t2} {
		if err := s.CreateTeam(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	mkUser("admin", model.RoleAdmin, nil)
	rep := mkUser("rep", model.RoleAgent, t1)
	part := mkUser("part", model.RoleAgent, t2)
	share := mkUser("share", model.RoleAgent, t2)
	mkUser("mate", model.RoleAgent, t1)
	mgr := mkUser("mgr1", model.RoleAgent, nil)
	mkUser("other", model.RoleAgent, t2)
	mkUser("loner", model.RoleAgent, nil)
	t1.ManagerID = &mgr.ID
	if err := s.UpdateTeam(ctx, t1); err != nil {
		t.Fatal(err)
	}
	x := &model.Customer{Name: "X Corp", Code: "X", RepID: &rep.ID}
	y := &model.Customer{Name: "Y Corp", Code: "Y"}
	for _, c := range []*model.Customer{x, y} {
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	w.customers["X"], w.customers["Y"] = x, y
	for _, r := range []*model.Relation{
		{CustomerID: x.ID, UserID: part.ID, Kind: model.RelationParticipant},
		{CustomerID: x.ID, UserID: share.ID, Kind: model.RelationSharer},
	} {
		if err := s.SetRelation(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// expect spells out, for one user and customer, the answer under each
// visibility scope (own, team, all) with contact closed and open to all.
type expect struct {
	user, customer string
	see            [3]bool // own, team, all
	contactClosed  [3]bool // "open single contact to all" off
	contactOpen    [3]bool // "open single contact to all" on
	edit           bool
	serves         bool
}

var (
	all3  = [3]bool{true, true, true}
	none3 = [3]bool{false, false, false}
)

var matrix = []expect{
	{"admin", "X", all3, all3, all3, true, false},
	{"admin", "Y", all3, all3, all3, true, false},
	// exclusive rep, participant and sharer serve X whatever the settings
	{"rep", "X", all3, all3, all3, true, true},
	{"part", "X", all3, all3, all3, true, true},
	{"share", "X", all3, all3, all3, false, true},
	// a teammate of the exclusive rep sees X under team and all scopes
	{"mate", "X", [3]bool{false, true, true}, none3, [3]bool{false, true, true}, false, false},
	// the manager of the rep's team always sees X, contacts it only when open
	{"mgr1", "X", all3, none3, all3, false, false},
	// someone in another team sees X only under the all scope
	{"other", "X", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"loner", "X", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	// Y has no exclusive rep: only the all scope shows it to agents
	{"rep", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"part", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"share", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"mate", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"mgr1", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"other", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
	{"loner", "Y", [3]bool{false, false, true}, none3, [3]bool{false, false, true}, false, false},
}

var scopes = [3]string{model.VisibilityOwn, model.VisibilityTeam, model.VisibilityAll}

func TestPermissionMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := buildWorld(t, s)
		if len(matrix) != len(w.users)*len(w.customers) {
			t.Fatalf("matrix has %d rows, want one per user and customer (%d)", len(matrix), len(w.users)*len(w.customers))
		}
		for _, e := range matrix {
			for i, scope := range scopes {
				for _, open := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%s/open=%v", e.user, e.customer, scope, open)
					u, err := s.UserByID(ctx, w.users[e.user].ID)
					if err != nil {
						t.Fatal(err)
					}
					p := permission.For(u, model.Settings{Visibility: scope, OpenContactAll: open})
					c := w.customers[e.customer]
					wantContact := e.contactClosed[i]
					if open {
						wantContact = e.contactOpen[i]
					}
					want := permission.Access{See: e.see[i], Contact: wantContact, Edit: e.edit}

					got, err := s.CustomerAccess(ctx, p, c.ID)
					if err != nil {
						t.Fatalf("%s: access: %v", name, err)
					}
					if got != want {
						t.Errorf("%s: access = %+v, want %+v", name, got, want)
					}

					_, err = s.CustomerByID(ctx, p, c.ID)
					if e.see[i] && err != nil {
						t.Errorf("%s: CustomerByID: %v, want visible", name, err)
					}
					if !e.see[i] && !errors.Is(err, model.ErrNotFound) {
						t.Errorf("%s: CustomerByID err = %v, want ErrNotFound", name, err)
					}

					list, total, err := s.ListCustomers(ctx, p, storage.CustomerFilter{Query: c.Code})
					if err != nil {
						t.Fatal(err)
					}
					if listed := total == 1 && len(list) == 1 && list[0].ID == c.ID; listed != e.see[i] {
						t.Errorf("%s: listed = %v (total %d), want %v", name, listed, total, e.see[i])
					}
					mine, _, err := s.ListCustomers(ctx, p, storage.CustomerFilter{Query: c.Code, Mine: true})
					if err != nil {
						t.Fatal(err)
					}
					if got := len(mine) == 1; got != e.serves {
						t.Errorf("%s: in 'mine' = %v, want %v", name, got, e.serves)
					}
				}
			}
		}
		// The unfiltered totals (counted from the visible ids, not by
		// testing each customer) agree with the matrix.
		for user := range w.users {
			for i, scope := range scopes {
				u, err := s.UserByID(ctx, w.users[user].ID)
				if err != nil {
					t.Fatal(err)
				}
				p := permission.For(u, model.Settings{Visibility: scope})
				wantSee, wantServe := 0, 0
				for _, e := range matrix {
					if e.user == user && e.see[i] {
						wantSee++
					}
					if e.user == user && e.serves {
						wantServe++
					}
				}
				if _, total, err := s.ListCustomers(ctx, p, storage.CustomerFilter{}); err != nil || total != wantSee {
					t.Errorf("%s/%s: %d customers counted (%v), want %d", user, scope, total, err, wantSee)
				}
				if _, total, err := s.ListCustomers(ctx, p, storage.CustomerFilter{Mine: true}); err != nil || total != wantServe {
					t.Errorf("%s/%s: %d served customers counted (%v), want %d", user, scope, total, err, wantServe)
				}
			}
		}
		if _, err := s.CustomerAccess(ctx, permission.Policy{Admin: true}, 999999); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("access on missing customer: %v, want ErrNotFound", err)
		}
	})
}
