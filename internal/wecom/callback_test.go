package wecom_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/callback"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestCallbacks: the callback URL passes WeCom's verification; encrypted
// change_external_contact events update who follows whom (through a job,
// after an empty 200 at once); WeCom's retries are applied once; an older
// event arriving after a newer one changes nothing; bad signatures and
// another corp's messages are refused and change nothing.
func TestCallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fake := fakewecom.New(t)
		e := newEnv(t, s, fake, true)
		srv := httptest.NewServer(callback.New(nil, nil, callback.Options{WeCom: e.svc}))
		t.Cleanup(srv.Close)
		url := srv.URL + callback.WeComPath

		if ans, ok, err := fake.Verify(url); err != nil || !ok {
			t.Fatalf("URL verification: %+v %v", ans, err)
		}
		if ans, ok, _ := fake.Verify(url, fakewecom.BadSignature); ok || ans.Status != 401 {
			t.Fatalf("URL verification with a bad signature: %+v", ans)
		}

		rep := &model.User{Username: "rep", DisplayName: "张三", Role: model.RoleAgent, Active: true, Mobile: "+8613700000001"}
		if err := s.CreateUser(ctx, rep); err != nil {
			t.Fatal(err)
		}
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Mobile: "13700000001", Follow: true})
		if _, err := e.svc.RefreshMembers(ctx); err != nil {
			t.Fatal(err)
		}
		cust := &model.Customer{Name: "恒信科技", Code: "HX"}
		if err := s.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		ct := &model.Contact{CustomerID: cust.ID, Name: "王经理", Mobile: "+8613800000001"}
		if err := s.CreateContact(ctx, ct); err != nil {
			t.Fatal(err)
		}
		followers := func() []string {
			fol, err := e.svc.FollowersOf(ctx, []int64{ct.ID})
			if err != nil {
				t.Fatal(err)
			}
			return fol[ct.ID]
		}

		// The customer adds the rep: WeCom pushes the event, three times.
		fake.AddExternal(fakewecom.External{ID: "wmWANG", Name: "王经理", Follows: []fakewecom.Follow{
			{UserID: "zhangsan", Remark: "王经理", RemarkMobiles: []string{"13800000001"}, CreateTime: 1700000100}}})
		add := fakewecom.Event{ChangeType: "add_external_contact", UserID: "zhangsan", ExternalUserID: "wmWANG", CreateTime: 1700000100}
		for range 3 {
			ans, err := fake.PushEvent(url, add)
			if err != nil || ans.Status != 200 || ans.Body != "" {
				t.Fatalf("push: %+v %v", ans, err)
			}
		}
		waitUntil(t, "the added follow", func() bool { return slices.Equal(followers(), []string{"张三"}) })
		waitUntil(t, "the event applied", func() bool { return applied(t, s) == 1 })
		if n := fake.Calls("externalcontact/get"); n != 1 {
			t.Fatalf("the event was applied %d times", n)
		}
		if x, err := s.WeComExternal(ctx, "wmWANG"); err != nil || x.ContactID == nil || *x.ContactID != ct.ID {
			t.Fatalf("the new external contact was not matched by its remark mobile: %+v %v", x, err)
		}

		// Deleted at T2 and added again at T3; the events arrive in the
		// wrong order. The follow stays.
		del := fakewecom.Event{ChangeType: "del_follow_user", UserID: "zhangsan", ExternalUserID: "wmWANG", CreateTime: 1700000200}
		readd := fakewecom.Event{ChangeType: "add_external_contact", UserID: "zhangsan", ExternalUserID: "wmWANG", CreateTime: 1700000300}
		if ans, _ := fake.PushEvent(url, readd); ans.Status != 200 {
			t.Fatal(ans)
		}
		waitUntil(t, "the re-add applied", func() bool { return applied(t, s) == 2 })
		if ans, _ := fake.PushEvent(url, del); ans.Status != 200 {
			t.Fatal(ans)
		}
		waitUntil(t, "the late delete applied", func() bool { return applied(t, s) == 3 })
		if got := followers(); !slices.Equal(got, []string{"张三"}) {
			t.Fatalf("an older delete undid a newer add: %v", got)
		}

		// Refused: a bad signature, another corp's message, a body too large.
		gone := fakewecom.Event{ChangeType: "del_follow_user", UserID: "zhangsan", ExternalUserID: "wmWANG", CreateTime: 1700000400}
		if ans, _ := fake.PushEvent(url, gone, fakewecom.BadSignature); ans.Status != 401 {
			t.Fatalf("bad signature: %+v", ans)
		}
		if ans, _ := fake.PushEvent(url, gone, fakewecom.OtherCorp); ans.Status != 400 {
			t.Fatalf("another corp: %+v", ans)
		}
		if ans, _ := fake.PushXML(url, "<xml>"+strings.Repeat("x", callback.MaxBody)+"</xml>"); ans.Status != 413 {
			t.Fatalf("a body over the limit: %d", ans.Status)
		}
		time.Sleep(200 * time.Millisecond)
		if n := events(t, s); n != 3 {
			t.Fatalf("%d events recorded, want the 3 good ones", n)
		}
		// The real delete, now.
		fake.RemoveFollow("wmWANG", "zhangsan")
		if ans, _ := fake.PushEvent(url, gone); ans.Status != 200 {
			t.Fatal(ans)
		}
		waitUntil(t, "the delete", func() bool { return len(followers()) == 0 })
	})
}

func applied(t *testing.T, s *storage.Store) int {
	t.Helper()
	var n int
	if err := s.ReadDB().QueryRow(`SELECT count(*) FROM wecom_events WHERE applied_at IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func events(t *testing.T, s *storage.Store) int {
	t.Helper()
	var n int
	if err := s.ReadDB().QueryRow(`SELECT count(*) FROM wecom_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
