package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"touchbase/internal/jobs"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
)

// TestWeComSettingsPage: only admins reach it; bad settings are refused
// naming the field; saved secrets are never shown again; the test reads
// members; members are mapped to reps; the review list is resolved by a
// contact's mobile number; the customer page shows who added a contact.
func TestWeComSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		must(t, jobs.Migrate(ctx, s)) // "sync now" queues a job
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "agent1", Name: "客服一", Follow: true})
		fake.AddMember(fakewecom.Member{UserID: "lisi", Name: "李四", Mobile: "13700000009", Follow: true})
		fake.AddExternal(fakewecom.External{ID: "wmWANG", Name: "王小明", Follows: []fakewecom.Follow{
			{UserID: "agent1", Remark: "Acme 王经理", CreateTime: 1700000000}}})

		if res := e.signedIn(t, e.agent1).get("/admin/wecom"); res.status != http.StatusForbidden {
			t.Fatalf("agent GET /admin/wecom: %d", res.status)
		}
		admin := e.signedIn(t, e.admin)
		if res := admin.get("/admin/wecom"); res.status != 200 || !strings.Contains(res.body, `id="wecom-form"`) ||
			strings.Contains(res.body, `id="members"`) {
			t.Fatalf("page before connecting: %d", res.status)
		}
		form := url.Values{"corp_id": {fake.CorpID}, "contact_secret": {fake.ContactSecret}, "agent_id": {"abc"},
			"agent_secret": {fake.AgentSecret}, "callback_token": {fake.CallbackToken}, "encoding_aes_key": {fake.EncodingAESKey},
			"base_url": {fake.URL}}
		if res := admin.post("/admin/wecom", form); res.status != 400 || !strings.Contains(res.body, "AgentId 应为正整数") {
			t.Fatalf("a bad agent id: %d", res.status)
		}
		form.Set("agent_id", strconv.FormatInt(fake.AgentID, 10))
		form.Set("encoding_aes_key", "too-short")
		if res := admin.post("/admin/wecom", form); res.status != 400 || !strings.Contains(res.body, "43 位") ||
			strings.Contains(res.body, fake.ContactSecret) {
			t.Fatalf("a bad EncodingAESKey: %d", res.status)
		}
		if st, _ := e.app.WeCom.Settings(ctx); st.Configured {
			t.Fatal("refused settings were stored")
		}
		form.Set("encoding_aes_key", fake.EncodingAESKey)
		form.Set("confirm_hours", "999")
		if res := admin.post("/admin/wecom", form); res.status != 400 || !strings.Contains(res.body, "请填写 1 到 720 之间的整数") {
			t.Fatalf("a confirm time of 999 hours: %d", res.status)
		}
		form.Set("confirm_hours", "24")
		if res := admin.post("/admin/wecom", form); res.status != http.StatusSeeOther {
			t.Fatalf("save: %d", res.status)
		}
		res := admin.get("/admin/wecom")
		if !strings.Contains(res.body, `name="confirm_hours" value="24"`) {
			t.Fatal("the confirm time is not shown as saved")
		}
		if !strings.Contains(res.body, "企业微信连接已保存") || !strings.Contains(res.body, "已连接 "+fake.CorpID) {
			t.Fatalf("page after saving: %d", res.status)
		}
		for _, secret := range []string{fake.ContactSecret, fake.AgentSecret, fake.CallbackToken, fake.EncodingAESKey} {
			if strings.Contains(res.body, secret) {
				t.Fatal("the page shows a saved secret")
			}
		}
		if !strings.Contains(res.body, "/callbacks/wecom") {
			t.Fatal("no callback URL to enter in the WeCom console")
		}

		if res := admin.post("/admin/wecom/test", nil); res.status != 200 || !strings.Contains(res.body, "连接成功：2 位成员可使用客户联系") ||
			!strings.Contains(res.body, "客服一（agent1）") {
			t.Fatalf("test: %d %s", res.status, excerptOf(res.body, "wecom-tested"))
		}
		fake.Fail("get_follow_user_list", 48002)
		if res := admin.post("/admin/wecom/test", nil); res.status != http.StatusBadGateway || !strings.Contains(res.body, "客户联系」的 Secret") {
			t.Fatalf("a refused test: %d", res.status)
		}

		// Members: agent1's WeCom userid differs from nothing we know: map by hand.
		res = admin.post("/admin/wecom/members/refresh", nil)
		if res.status != 200 || !strings.Contains(res.body, "已读取 2 位成员，新对应 0 位客服") {
			t.Fatalf("refresh members: %d %s", res.status, excerptOf(res.body, "wecom-refreshed"))
		}
		if res := admin.post("/admin/wecom/members/agent1/user", url.Values{"user_id": {strconv.FormatInt(e.agent1.ID, 10)}}); res.status != http.StatusSeeOther {
			t.Fatalf("map member: %d", res.status)
		}
		if res := admin.get("/admin/wecom"); !strings.Contains(res.body, "成员对应已保存") || !strings.Contains(res.body, "手动对应") {
			t.Fatalf("page after mapping: %s", excerptOf(res.body, "member-agent1"))
		}
		if res := admin.post("/admin/wecom/members/lisi/user", url.Values{"user_id": {strconv.FormatInt(e.agent1.ID, 10)}}); res.status != 400 ||
			!strings.Contains(res.body, "这位客服已对应到另一位成员") {
			t.Fatalf("one rep, two members: %d", res.status)
		}

		// Sync (queued by the page; run here) leaves 王小明 for review:
		// the remark holds no number.
		if res := admin.post("/admin/wecom/sync", nil); res.status != http.StatusSeeOther {
			t.Fatalf("sync now: %d", res.status)
		}
		if res := admin.get("/admin/wecom"); !strings.Contains(res.body, "已开始同步") {
			t.Fatal("no word that the sync started")
		}
		if _, err := e.app.WeCom.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		res = admin.get("/admin/wecom")
		if !strings.Contains(res.body, `id="external-wmWANG"`) || !strings.Contains(res.body, "Acme 王经理") {
			t.Fatalf("review list: %s", excerptOf(res.body, "review"))
		}
		if res := admin.post("/admin/wecom/externals/wmWANG", url.Values{"mobile": {"13000000000"}, "action": {"match"}}); res.status != 400 ||
			!strings.Contains(res.body, "没有联系人使用这个手机号") {
			t.Fatalf("resolve to an unknown number: %d", res.status)
		}
		if res := admin.post("/admin/wecom/externals/wmWANG", url.Values{"mobile": {"138 1234 5678"}, "action": {"match"}}); res.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d", res.status)
		}
		if res := admin.get("/admin/wecom"); strings.Contains(res.body, `id="external-wmWANG"`) || !strings.Contains(res.body, "已对应联系人 1 位") {
			t.Fatalf("review list after resolving: %s", excerptOf(res.body, "wecom-counts"))
		}
		page := e.signedIn(t, e.agent1).get("/customers/" + strconv.FormatInt(e.acme.ID, 10))
		if !strings.Contains(page.body, "企业微信：Agent1 已添加") || strings.Contains(page.body, "模拟") {
			t.Fatalf("the customer page does not say who added the contact: %s", excerptOf(page.body, "contacts-table"))
		}
		// The demo's simulated WeCom says so on both pages.
		st, _ := e.app.WeCom.Settings(ctx)
		cfg := st.Config
		cfg.ContactSecret, cfg.AgentSecret, cfg.CallbackToken, cfg.EncodingAESKey = fake.ContactSecret, fake.AgentSecret, fake.CallbackToken, fake.EncodingAESKey
		must(t, e.app.WeCom.SaveSimulated(ctx, cfg))
		if res := admin.get("/admin/wecom"); !strings.Contains(res.body, "模拟企业微信（演示）") || !strings.Contains(res.body, `id="wecom-simulated"`) {
			t.Fatal("the settings page does not say the WeCom is simulated")
		}
		if page := e.signedIn(t, e.agent1).get("/customers/" + strconv.FormatInt(e.acme.ID, 10)); !strings.Contains(page.body, ">模拟</span>") {
			t.Fatal("the customer page does not say the WeCom is simulated")
		}
	})
}

// excerptOf returns the part of body from the element with id on.
func excerptOf(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return "(no #" + id + ")"
	}
	return body[i:min(len(body), i+1500)]
}
