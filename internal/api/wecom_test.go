package api

import (
	"encoding/json"
	"strings"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestWeComAPI: an admin connects WeCom (bad fields named, secrets never
// answered), tests it, reads and maps members, and resolves an external
// contact of the review list; WeCom's refusal is a 502 with its errcode.
func TestWeComAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		rep := e.user(t, "zhangsan", model.RoleAgent, nil)
		adm := bearer(e.token(t, admin))
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Email: "ZHANGSAN@example.cn", Follow: true})
		if r := e.do(t, "POST", "wecom/test", nil, adm); r.status != 409 {
			t.Fatalf("test before connecting: %v", r)
		}
		cfg := fake.Config()
		cfg["encoding_aes_key"] = "short"
		if r := e.do(t, "PUT", "wecom", cfg, adm); r.status != 400 {
			t.Fatalf("a bad key: %v", r)
		} else if _, field := r.errCode(t); field != "encoding_aes_key" {
			t.Fatalf("a bad key names %q", field)
		}
		cfg["encoding_aes_key"] = fake.EncodingAESKey
		r := e.do(t, "PUT", "wecom", cfg, adm)
		if r.status != 200 || strings.Contains(string(r.body), fake.ContactSecret) || strings.Contains(string(r.body), fake.EncodingAESKey) {
			t.Fatalf("save: %v", r)
		}
		if r := e.do(t, "POST", "wecom/test", nil, adm); r.status != 200 || r.json(t)["follow_users"] != float64(1) {
			t.Fatalf("test: %v", r)
		}
		fake.Fail("get_follow_user_list", 60020)
		if r := e.do(t, "POST", "wecom/test", nil, adm); r.status != 502 || !strings.Contains(string(r.body), `"errcode":60020`) {
			t.Fatalf("a refused test: %v", r)
		}
		rep.Email = "zhangsan@example.cn"
		if err := s.UpdateUser(t.Context(), rep); err != nil {
			t.Fatal(err)
		}
		if r := e.do(t, "POST", "wecom/members/refresh", nil, adm); r.status != 200 || r.json(t)["matched"] != float64(1) {
			t.Fatalf("refresh: %v", r)
		}
		r = e.do(t, "PUT", "wecom/members/zhangsan", `{"user_id":null}`, adm)
		if r.status != 200 || r.json(t)["user_id"] != nil {
			t.Fatalf("unmap: %v", r)
		}
		if r := e.do(t, "PUT", "wecom/members/zhangsan", `{"user_id":999999}`, adm); r.status != 400 {
			t.Fatalf("map to nobody: %v", r)
		}
		if r := e.do(t, "PUT", "wecom/members/zhangsan", `{"user_id":`+itoa(rep.ID)+`}`, adm); r.status != 200 {
			t.Fatalf("map: %v", r)
		}

		fake.AddExternal(fakewecom.External{ID: "wmWANG", Name: "王经理", Follows: []fakewecom.Follow{{UserID: "zhangsan", Remark: "王经理"}}})
		if _, err := e.app.WeCom.Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		var review struct{ Items []model.WeComExternal }
		if err := json.Unmarshal(e.do(t, "GET", "wecom/review", nil, adm).body, &review); err != nil || len(review.Items) != 1 ||
			review.Items[0].Follows[0].MemberName != "张三" {
			t.Fatalf("review: %+v %v", review, err)
		}
		ct := e.contact(t, &model.Contact{CustomerID: e.customer(t, &model.Customer{Name: "恒信", Code: "HX"}).ID, Name: "王经理"})
		r = e.do(t, "PUT", "wecom/externals/wmWANG", `{"contact_id":`+itoa(ct.ID)+`}`, adm)
		if r.status != 200 || r.json(t)["contact_id"] != float64(ct.ID) || r.json(t)["matched_by"] != model.WeComMatchedByHand {
			t.Fatalf("resolve: %v", r)
		}
		if r := e.do(t, "GET", "wecom/review", nil, adm); r.json(t)["total"] != float64(0) {
			t.Fatalf("review after resolving: %v", r)
		}
	})
}
