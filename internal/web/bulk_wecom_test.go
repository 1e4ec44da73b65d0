package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestBulkWeComPages: with WeCom connected the wizard offers it; merge
// fields and a bad link are refused on the content step; a send goes to
// the member who follows the contact, its page lists the task with a
// reminder (three a day) and, once the member confirms, the refreshed
// results: sent, with the contact's record.
func TestBulkWeComPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.startWorkers(t)
		ctx := context.Background()
		agent := e.signedIn(t, e.agent1)
		if res := agent.get("/bulk/new"); strings.Contains(res.body, `id="ch-wecom"`) {
			t.Fatal("WeCom offered before it is connected")
		}
		wang := e.contactNamed(e.acme.ID, "王小明")
		fake := e.connectWeCom(t, "agent1", e.agent1, "wmWANG", wang)
		if res := agent.get("/profile"); !strings.Contains(res.body, `id="wecom-notify"`) || !strings.Contains(res.body, "未开启") {
			t.Fatal("the profile does not offer notifications in WeCom")
		}
		if r := agent.post("/profile/wecom", url.Values{"enabled": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("turn on WeCom notifications: %d", r.status)
		}
		if res := agent.get("/profile"); !strings.Contains(res.body, "已开启企业微信通知") {
			t.Fatal("WeCom notifications not shown on")
		}
		if r := e.signedIn(t, e.agent2).post("/profile/wecom", url.Values{"enabled": {"on"}}); r.status != http.StatusBadRequest {
			t.Fatalf("a rep with no member turns them on: %d", r.status)
		}
		if res := agent.get("/bulk/new"); !strings.Contains(res.body, `id="ch-wecom"`) || !strings.Contains(res.body, `id="f-wecom_text"`) {
			t.Fatal("the wizard does not offer WeCom once it is connected")
		}

		form := func(over url.Values) url.Values {
			v := url.Values{"title": {"新品通知"}, "channels": {"wecom"}, "wecom_text": {"新品上市，欢迎咨询。"}, "when": {"now"},
				"mode": {"ticked"}, "ticked": {strconv.FormatInt(wang.ID, 10)}, "goto": {"review"}}
			for k, vs := range over {
				v[k] = vs
			}
			return v
		}
		for _, c := range []struct {
			over url.Values
			want string
		}{
			{url.Values{"wecom_text": {"{{contact.name}}您好"}}, "不能使用插入字段"},
			{url.Values{"wecom_link_title": {"介绍"}, "wecom_link_url": {"ftp://example.cn"}}, "请填写以 http:// 或 https:// 开头的链接地址"},
			{url.Values{"wecom_link_url": {"https://example.cn"}}, "添加链接时请填写标题"},
			{url.Values{"wecom_text": {""}}, "请填写群发内容"},
		} {
			res := agent.post("/bulk/new", form(c.over))
			if res.status != http.StatusBadRequest || !strings.Contains(res.body, c.want) || !strings.Contains(res.body, `data-step="content"`) {
				t.Fatalf("%v: %d, want %q on the content step", c.over, res.status, c.want)
			}
		}
		review := agent.post("/bulk/new", form(nil))
		if review.status != 200 || !strings.Contains(review.body, `id="review-wecom"`) || !strings.Contains(review.body, `id="preview-wecom"`) {
			t.Fatalf("review: %d", review.status)
		}
		id := created(t, agent.post("/bulk", form(url.Values{"wecom_link_title": {"新品介绍"}, "wecom_link_url": {"https://example.cn/new"}})))
		var msgs []fakewecom.GroupMsg
		deadline := time.Now().Add(20 * time.Second)
		for len(msgs) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no WeCom task created")
			}
			time.Sleep(50 * time.Millisecond)
			msgs = fake.GroupMsgs()
		}
		if m := msgs[0]; m.Sender != "agent1" || len(m.Receivers) != 1 || m.Receivers[0] != "wmWANG" || len(m.Attachments) != 1 {
			t.Fatalf("task %+v", m)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if app := fake.AppMessages(); len(app) > 0 {
				if app[0].ToUser != "agent1" || app[0].Title != "请在企业微信中确认群发：新品通知" || !strings.HasSuffix(app[0].URL, "/bulk/"+strconv.FormatInt(id, 10)) {
					t.Fatalf("application message %+v", app[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the member's task notification did not reach their WeCom")
			}
		}
		page := "/bulk/" + strconv.FormatInt(id, 10)
		var res response
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if res = agent.get(page); strings.Contains(res.body, `data-state="waiting"`) || time.Now().After(deadline) {
				break
			}
		}
		for _, want := range []string{`id="wecom-tasks"`, "等待确认", `id="remind-wecom"`, `id="count-awaiting"`, "今天还可提醒 3 次", "新品介绍"} {
			if !strings.Contains(res.body, want) {
				t.Fatalf("the send's page lacks %q", want)
			}
		}
		for i := 0; i < 3; i++ {
			if r := agent.post(page+"/remind", nil); r.status != http.StatusSeeOther {
				t.Fatalf("remind %d: %d", i+1, r.status)
			}
		}
		if res := agent.get(page); !strings.Contains(res.body, "今天还可提醒 0 次") || !strings.Contains(res.body, "已通过企业微信提醒") {
			t.Fatal("reminders left not shown after three")
		}
		agent.post(page+"/remind", nil)
		if res := agent.get(page); !strings.Contains(res.body, "企业微信每天最多提醒 3 次") {
			t.Fatal("a fourth reminder is not refused")
		}
		if got := len(fake.GroupMsgs()[0].Reminds); got != 3 {
			t.Fatalf("WeCom got %d reminders", got)
		}
		if other := e.signedIn(t, e.agent2).post(page+"/remind", nil); other.status != http.StatusNotFound {
			t.Fatalf("another rep reminds: %d", other.status)
		}

		fake.Confirm(msgs[0].MsgID)
		if r := agent.post(page+"/refresh", nil); r.status != http.StatusSeeOther {
			t.Fatalf("refresh: %d", r.status)
		}
		b := e.waitBulk(id, model.BulkDone)
		if b.Counts.Sent != 1 || b.Counts.Awaiting != 0 {
			t.Fatalf("counts %+v", b.Counts)
		}
		recs, _, err := e.store.ListRecords(ctx, permission.Policy{Admin: true}, storage.RecordFilter{CustomerID: e.acme.ID})
		must(t, err)
		found := false
		for _, r := range recs {
			found = found || r.Channel == model.ChannelWeCom && r.Source == model.SourceBulk && r.ContactID != nil && *r.ContactID == wang.ID
		}
		if !found {
			t.Fatal("no WeCom record for the contact")
		}
		if res := agent.get(page); !strings.Contains(res.body, `data-state="sent"`) {
			t.Fatal("the task is not shown sent")
		}
	})
}
