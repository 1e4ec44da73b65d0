package api

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// TestSingleContactByWeComAndWithdraw: a rep's WeCom message through the
// API is answered awaiting with its deadline and counted apart; the rep
// withdraws it (reason canceled, in the caller's language), cannot do so
// twice, and another rep cannot find it.
func TestSingleContactByWeComAndWithdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newContactWorld(t, s)
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "wangfang", Name: "王芳", Follow: true})
		fake.AddExternal(fakewecom.External{ID: "wmLI", Name: "李雷", Follows: []fakewecom.Follow{{UserID: "wangfang"}}})
		var cfg wecom.Config
		if err := json.Unmarshal(fake.ConfigJSON(), &cfg); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{
			w.e.app.WeCom.Save(ctx, w.admin.ID, cfg),
			s.SaveWeComMembers(ctx, []model.WeComMember{{ID: "wangfang", Name: "王芳"}}),
			s.MapWeComMember(ctx, "wangfang", &w.rep.ID, model.WeComMatchedByHand),
			s.SyncWeComFollows(ctx, "wangfang", []*model.WeComExternal{{ID: "wmLI", Name: "李雷",
				Follows: []model.WeComFollow{{MemberID: "wangfang"}}}}, time.Now()),
			s.MatchWeComExternal(ctx, "wmLI", &w.li.ID, model.WeComMatchedByHand),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		r := w.e.do(t, "POST", contactPath(w.li), `{"title":"续费","wecom":{"text":"{{contact.name}}您好"}}`, w.rp)
		if r.status != 200 {
			t.Fatalf("send: %v", r)
		}
		res := r.json(t)
		item := res["results"].([]any)[0].(map[string]any)
		if item["status"] != model.DeliveryConfirming || item["channel"] != "wecom" || item["deadline"] == nil || res["awaiting"] != 1.0 ||
			res["sent"] != 0.0 || res["failed"] != 0.0 {
			t.Fatalf("result %v", res)
		}
		if m := fake.GroupMsgs(); len(m) != 1 || m[0].Text != "李雷您好" {
			t.Fatalf("tasks %+v", m)
		}
		path := "deliveries/" + itoa(int64(item["delivery_id"].(float64))) + "/withdraw"
		if r := w.e.do(t, "POST", path, nil, w.sr); r.status != 404 {
			t.Fatalf("another rep withdraws: %v", r)
		}
		r = w.e.do(t, "POST", path, nil, w.rp)
		if r.status != 200 {
			t.Fatalf("withdraw: %v", r)
		}
		if d := r.json(t); d["status"] != model.DeliveryFailed || d["reason"] != "canceled" || d["reason_text"] != "发送已取消" || d["record_id"] != nil {
			t.Fatalf("withdrawn %v", d)
		}
		if r := w.e.do(t, "POST", path, nil, w.rp); r.status != 400 {
			t.Fatalf("withdrawn twice: %v", r)
		} else if code, field := r.errCode(t); code != "validation_failed" || field != "delivery" {
			t.Fatalf("withdrawn twice: %s %s", code, field)
		}
	})
}
