package api

import (
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestBulkWeComAPI: a WeCom bulk send is refused while WeCom is not
// connected, with merge fields, or with a bad attachment, each naming its
// field and storing nothing; once connected it is accepted, its contact
// handed to the member who follows it, and its task listed and reminded.
func TestBulkWeComAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.live(t)
		admin := e.user(t, "admin", model.RoleAdmin, nil)
		rep := e.user(t, "zhangsan", model.RoleAgent, nil)
		adm, tok := bearer(e.token(t, admin)), bearer(e.token(t, rep))
		x := e.customer(t, &model.Customer{Name: "恒信科技", Code: "HX", RepID: &rep.ID})
		ct := e.contact(t, &model.Contact{CustomerID: x.ID, Name: "王经理", Mobile: "+8613800000001"})
		body := func(text string, att any) map[string]any {
			return map[string]any{"title": "新品通知", "wecom_text": text, "wecom_attachments": att,
				"recipients": map[string]any{"contact_ids": []int64{ct.ID}}}
		}
		if r := e.do(t, "POST", "bulk-sends", body("新品上市", nil), tok); r.status != 400 {
			t.Fatalf("WeCom not connected: %v", r)
		} else if field, code := firstField(t, r); field != "wecom_text" || code != "not_connected" {
			t.Fatalf("WeCom not connected names %s %s", field, code)
		}

		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Follow: true})
		fake.AddExternal(fakewecom.External{ID: "wmWANG", Name: "王经理", Follows: []fakewecom.Follow{{UserID: "zhangsan"}}})
		if r := e.do(t, "PUT", "wecom", fake.Config(), adm); r.status != 200 {
			t.Fatalf("connect: %v", r)
		}
		if err := s.SaveWeComMembers(t.Context(), []model.WeComMember{{ID: "zhangsan", Name: "张三"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.MapWeComMember(t.Context(), "zhangsan", &rep.ID, model.WeComMatchedByHand); err != nil {
			t.Fatal(err)
		}
		if err := s.SyncWeComFollows(t.Context(), "zhangsan", []*model.WeComExternal{{ID: "wmWANG", Name: "王经理",
			Follows: []model.WeComFollow{{MemberID: "zhangsan"}}}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.MatchWeComExternal(t.Context(), "wmWANG", &ct.ID, model.WeComMatchedByHand); err != nil {
			t.Fatal(err)
		}
		before := counts(t, s)
		for _, c := range []struct {
			body        map[string]any
			field, code string
		}{
			{body("{{contact.name}}您好", nil), "wecom_text", "merge_fields"},
			{body("", []map[string]string{{"kind": "link", "title": "介绍", "url": "ftp://example.cn"}}), "wecom_attachments[0].url", "invalid"},
			{body("", []map[string]string{{"kind": "link", "url": "https://example.cn"}}), "wecom_attachments[0].title", "required"},
			{body("", []map[string]string{{"kind": "video", "url": "https://example.cn"}}), "wecom_attachments[0].kind", "invalid"},
		} {
			r := e.do(t, "POST", "bulk-sends", c.body, tok)
			if field, code := firstField(t, r); r.status != 400 || field != c.field || code != c.code {
				t.Fatalf("%v: %v, want %s %s", c.body, r, c.field, c.code)
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("refused sends changed the data:\n%s\n%s", before, after)
		}

		pr := e.do(t, "POST", "bulk-sends/preview", body("新品上市，欢迎咨询", nil), tok)
		if pr.status != 200 {
			t.Fatalf("preview: %v", pr)
		}
		if chs := pr.json(t)["channels"].([]any); len(chs) != 1 || chs[0].(map[string]any)["channel"] != "wecom" ||
			chs[0].(map[string]any)["send"] != float64(1) || chs[0].(map[string]any)["provider"] != "wecom" {
			t.Fatalf("preview channels %v", chs)
		}
		r := e.do(t, "POST", "bulk-sends", body("新品上市，欢迎咨询", []map[string]string{{"kind": "image", "url": "https://example.cn/a.png"}}), tok)
		if r.status != 201 {
			t.Fatalf("create: %v", r)
		}
		id := r.id(t)
		if ch := r.json(t)["channels"].([]any); len(ch) != 1 || ch[0] != "wecom" {
			t.Fatalf("channels %v", ch)
		}
		var tasks map[string]any
		deadline := time.Now().Add(15 * time.Second)
		for {
			tasks = e.do(t, "GET", "bulk-sends/"+itoa(id)+"/wecom-tasks", nil, tok).json(t)
			if list := tasks["tasks"].([]any); len(list) == 1 && list[0].(map[string]any)["state"] == model.WeComTaskWaiting {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no waiting task: %v", tasks)
			}
			time.Sleep(50 * time.Millisecond)
		}
		task := tasks["tasks"].([]any)[0].(map[string]any)
		if task["sender"] != "zhangsan" || task["waiting"] != float64(1) || tasks["reminders_left"] != float64(3) {
			t.Fatalf("task %v", tasks)
		}
		if r := e.do(t, "POST", "bulk-sends/"+itoa(id)+"/wecom-tasks/remind", nil, tok); r.status != 200 ||
			r.json(t)["reminded"] != float64(1) || r.json(t)["reminders_left"] != float64(2) {
			t.Fatalf("remind: %v", r)
		}
		if got := e.do(t, "GET", "bulk-sends/"+itoa(id), nil, tok).json(t)["counts"].(map[string]any); got["awaiting"] != float64(1) {
			t.Fatalf("counts %v", got)
		}
	})
}

// firstField returns the field and code of the first field error of an
// error answer.
func firstField(t *testing.T, r *resp) (field, code string) {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	if len(fs) == 0 {
		t.Fatalf("no field errors: %v", r)
	}
	f := fs[0].(map[string]any)
	return f["field"].(string), f["code"].(string)
}
