package wecom_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestSyncMapsMembersAndMatchesContacts: members are mapped to users by
// mobile or e-mail; a sync over more than 100 mapped members and more
// than a page of follows stores every follow, matches external contacts
// by the mobile their followers noted, leaves ambiguous and unknown ones
// for review, and removes follows that ended.
func TestSyncMapsMembersAndMatchesContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakewecom.New(t)
		e := newEnv(t, s, fake, false)
		const members = 105
		var users []*model.User
		for i := range members {
			u := &model.User{Username: fmt.Sprintf("rep%d", i), DisplayName: fmt.Sprintf("客服%d", i), Role: model.RoleAgent, Active: true}
			m := fakewecom.Member{UserID: fmt.Sprintf("m%03d", i), Name: fmt.Sprintf("成员%d", i), Follow: true}
			switch {
			case i%2 == 0:
				u.Mobile, m.Mobile = fmt.Sprintf("+86137%08d", i), fmt.Sprintf("137%08d", i)
			default:
				u.Email, m.Email = fmt.Sprintf("rep%d@example.cn", i), fmt.Sprintf("REP%d@example.cn", i)
			}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
			fake.AddMember(m)
		}
		fake.AddMember(fakewecom.Member{UserID: "nobody", Name: "无对应用户", Mobile: "13999999999", Follow: true})
		got, err := e.svc.RefreshMembers(ctx)
		if err != nil || got.Members != members+1 || got.Matched != members {
			t.Fatalf("refresh members: %+v %v", got, err)
		}

		cust := &model.Customer{Name: "恒信科技", Code: "HX"}
		if err := s.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		contacts := map[int]*model.Contact{}
		for i := range 250 {
			if i%5 == 4 {
				continue // no contact has this one's number
			}
			c := &model.Contact{CustomerID: cust.ID, Name: fmt.Sprintf("客户%d", i), Mobile: fmt.Sprintf("+86138%08d", i)}
			if err := s.CreateContact(ctx, c); err != nil {
				t.Fatal(err)
			}
			contacts[i] = c
		}
		// Two contacts share number 7's: ambiguous.
		if err := s.CreateContact(ctx, &model.Contact{CustomerID: cust.ID, Name: "同号", Mobile: contacts[7].Mobile}); err != nil {
			t.Fatal(err)
		}
		follows := 0
		for i := range 250 {
			ext := fakewecom.External{ID: fmt.Sprintf("wmEXT%04d", i), Name: fmt.Sprintf("微信客户%d", i)}
			ext.Follows = append(ext.Follows, fakewecom.Follow{UserID: fmt.Sprintf("m%03d", i%members), Remark: "客户",
				RemarkMobiles: []string{fmt.Sprintf("138%08d", i)}, CreateTime: 1700000000 + int64(i)})
			if i%3 == 0 { // a second follower, who noted no number
				ext.Follows = append(ext.Follows, fakewecom.Follow{UserID: fmt.Sprintf("m%03d", (i+1)%members), CreateTime: 1700000000})
			}
			follows += len(ext.Follows)
			fake.AddExternal(ext)
		}
		res, err := e.svc.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 250 external contacts: 50 with no contact of that number, one
		// ambiguous; the rest matched.
		if res.Members != members || res.Follows != follows || res.Externals != 250 || res.Matched != 199 || res.Unmatched != 51 {
			t.Fatalf("sync: %+v (follows %d)", res, follows)
		}
		if n := fake.Calls("batch/get_by_user"); n < 5 {
			t.Fatalf("%d batch calls: the members span two groups and the follows several pages", n)
		}
		review, err := e.svc.Review(ctx)
		if err != nil || len(review) != 51 {
			t.Fatalf("review list: %d %v", len(review), err)
		}
		fol, err := e.svc.FollowersOf(ctx, []int64{contacts[3].ID, contacts[1].ID})
		if err != nil || !slices.Equal(fol[contacts[3].ID], []string{"客服4", "客服3"}) || !slices.Equal(fol[contacts[1].ID], []string{"客服1"}) {
			t.Fatalf("followers: %v %v", fol, err)
		}
		// The admin settles the ambiguous one by hand and sets one aside.
		if err := e.svc.Resolve(ctx, "wmEXT0007", &contacts[7].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Resolve(ctx, "wmEXT0004", nil); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Resolve(ctx, "wmEXT0009", new(int64)); err == nil {
			t.Fatal("resolved to a contact that does not exist")
		}
		if review, _ = e.svc.Review(ctx); len(review) != 49 {
			t.Fatalf("review list after resolving two: %d", len(review))
		}
		// A follow that ended disappears at the next sync; matches stay.
		fake.RemoveFollow("wmEXT0003", "m004")
		if _, err := e.svc.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		fol, _ = e.svc.FollowersOf(ctx, []int64{contacts[3].ID, contacts[7].ID})
		if !slices.Equal(fol[contacts[3].ID], []string{"客服3"}) || !slices.Equal(fol[contacts[7].ID], []string{"客服7"}) {
			t.Fatalf("followers after the second sync: %v", fol)
		}
		// A mapped member who may no longer serve customers makes WeCom
		// refuse a whole call: the others are still synced.
		fake.AddMember(fakewecom.Member{UserID: "m007", Name: "成员7"}) // customer contact taken away
		res, err = e.svc.Sync(ctx)
		if err != nil || !slices.Equal(res.Skipped, []string{"m007"}) || res.Members != members {
			t.Fatalf("sync with a member WeCom refuses: %+v %v", res, err)
		}
		if fol, _ = e.svc.FollowersOf(ctx, []int64{contacts[3].ID}); !slices.Equal(fol[contacts[3].ID], []string{"客服3"}) {
			t.Fatalf("followers after a partly refused sync: %v", fol)
		}
		// Mapping by hand: one user is one member.
		if err := e.svc.MapMember(ctx, "nobody", &users[0].ID); err == nil {
			t.Fatal("a user mapped to two members")
		}
		if err := e.svc.MapMember(ctx, "m000", nil); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.MapMember(ctx, "nobody", &users[0].ID); err != nil {
			t.Fatal(err)
		}
		if m, err := s.WeComMemberOfUser(ctx, users[0].ID); err != nil || m.ID != "nobody" || m.MatchedBy != model.WeComMatchedByHand {
			t.Fatalf("member of user: %+v %v", m, err)
		}
	})
}
