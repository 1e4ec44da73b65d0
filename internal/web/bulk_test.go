package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/record"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestBulkWizardRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		if res := agent.get("/bulk/new"); res.status != http.StatusOK || !strings.Contains(res.body, `data-step="content"`) ||
			!strings.Contains(res.body, `id="nav-bulk-new" aria-current="page"`) {
			t.Fatalf("wizard: %d", res.status)
		}
		past := "2020-01-01T10:00"
		for _, tc := range []struct {
			name, step, want string
			form             url.Values
		}{
			{"no channel", "content", `id="e-channels" role="alert">请选择短信、邮件或两者`,
				wizard(url.Values{"channels": nil, "ticked": {ids(f.wang)}})},
			{"ticked SMS left empty", "content", `id="e-sms_text" role="alert">请填写短信内容`,
				wizard(url.Values{"sms_text": {""}, "ticked": {ids(f.wang)}})},
			{"bad merge field", "content", `id="e-sms_text" role="alert">插入字段不存在或未闭合`,
				wizard(url.Values{"sms_text": {"{{contact.age}} 您好"}, "ticked": {ids(f.wang)}})},
			{"past schedule", "content", `id="e-scheduled_at" role="alert">该时间已过去`,
				wizard(url.Values{"when": {"later"}, "scheduled_at": {past}, "ticked": {ids(f.wang)}})},
			{"unreadable schedule", "content", `id="e-scheduled_at" role="alert">请输入日期和时间`,
				wizard(url.Values{"when": {"later"}, "scheduled_at": {"tomorrow"}, "ticked": {ids(f.wang)}})},
			{"no title", "content", `id="e-title" role="alert">此项为必填项`,
				wizard(url.Values{"title": {" "}, "ticked": {ids(f.wang)}})},
			{"nobody ticked", "recipients", `id="e-recipients">请至少勾选一位联系人`, wizard(nil)},
			{"filter matching nobody", "recipients", `id="e-recipients">所选范围内没有接收人`,
				wizard(url.Values{"mode": {"all"}, "q": {"no such customer"}})},
		} {
			// The final send and the wizard's Next both refuse, inline, at the step
			// to fix, with everything typed kept.
			for _, path := range []string{"/bulk", "/bulk/new"} {
				form := url.Values{"goto": {"review"}}
				for k, v := range tc.form {
					form[k] = v
				}
				res := agent.postHTMX(path, form)
				if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.want) ||
					!strings.Contains(res.body, `data-step="`+tc.step+`"`) {
					t.Errorf("%s, POST %s: %d, want the %s step with %q\n%s", tc.name, path, res.status, tc.step, tc.want, res.body)
				}
				if !strings.Contains(res.body, tc.form.Get("sms_text")+"</textarea>") {
					t.Errorf("%s, POST %s: the SMS text was lost", tc.name, path)
				}
			}
		}
		// Without JavaScript the refusal is a whole page.
		res := agent.post("/bulk", wizard(url.Values{"channels": nil, "ticked": {ids(f.wang)}}))
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "<html") || !strings.Contains(res.body, `id="e-channels"`) {
			t.Errorf("plain refusal: %d", res.status)
		}
		if n := len(e.bulkSends()); n != 0 {
			t.Fatalf("refused bulk sends stored %d sends", n)
		}

		// Moving back never validates; moving forward to the recipients checks
		// the content only.
		res = agent.postHTMX("/bulk/new", url.Values{"goto": {"content"}, "step": {"recipients"}, "title": {""}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `data-step="content"`) || strings.Contains(res.body, `role="alert"`) {
			t.Errorf("back to content: %d\n%s", res.status, res.body)
		}
		res = agent.postHTMX("/bulk/new", wizard(url.Values{"goto": {"recipients"}}))
		if res.status != http.StatusOK || !strings.Contains(res.body, `data-step="recipients"`) || strings.Contains(res.body, `id="e-recipients"`) {
			t.Errorf("to recipients: %d\n%s", res.status, res.body)
		}
	})
}

func TestBulkReviewCountsSkips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		all := ids(f.wang, f.li, f.noAddr, f.dup, f.dnc, f.hidden)
		res := agent.postHTMX("/bulk/new", wizard(url.Values{"goto": {"review"}, "ticked": {all}, "channels": {"sms", "email"},
			"sms_text": {strings.Repeat("长", 71)}, "email_subject": {"{{customer.name}} 续费"}, "email_body": {"您好"}}))
		if res.status != http.StatusOK || !strings.Contains(res.body, `data-step="review"`) {
			t.Fatalf("review: %d\n%s", res.status, res.body)
		}
		for _, want := range []string{
			// SMS: 王小明 only; opted out, no mobile, duplicate mobile, do-not-contact skipped.
			`id="review-sms-send">1<`, `id="review-sms-skip">4<`, "已拒收短信", "没有手机号", "与其他联系人手机号相同：只发一次", "客户设为勿扰",
			// 71 Chinese characters are 2 UCS-2 segments.
			`id="review-sms-segments">≈ 2<`,
			// E-mail: 王小明 only; the others have no address or are do-not-contact.
			`id="review-email-send">1<`, `id="review-email-skip">4<`, "没有邮箱",
			// The invisible contact is not counted.
			`id="review-recipients">已勾选 5 位联系人`, `id="send-bulk"`, "发送 2 条",
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("review lacks %q", want)
			}
		}
		if strings.Contains(res.body, "看不见") {
			t.Error("the review names a contact the user may not see")
		}
		// The preview is rendered for the first selected contact.
		if !strings.Contains(res.body, `id="preview-email-subject">Acme 贸易 续费<`) {
			t.Errorf("the sample preview is not Acme's:\n%s", res.body)
		}
		if n := len(e.bulkSends()); n != 0 {
			t.Fatalf("the review stored %d sends", n)
		}
	})
}

func TestBulkTickedSelectionAndInvisibleContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		agent := e.signedIn(t, e.agent1)
		// A ticked id of a contact the user may not see (a crafted form) is
		// left out; so is an id that does not exist.
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.hidden) + ",999999"}})))
		rs := e.recipients(id)
		if len(rs) != 1 || *rs[0].ContactID != f.wang.ID {
			t.Fatalf("recipients: %+v", rs)
		}
		b := e.bulkSends()[0]
		var sel storage.RecipientSelection
		must(t, json.Unmarshal([]byte(b.Selection), &sel))
		if len(sel.ContactIDs) != 3 || b.Title != "续费提醒" || b.UserID == nil || *b.UserID != e.agent1.ID {
			t.Errorf("send: %+v", b)
		}
		// Ticks carry across pages: the ticked list less the rows shown, plus
		// the rows ticked now (李雷 unticked on this page, 重复号码 ticked).
		res := agent.postHTMX("/bulk/new", wizard(url.Values{"goto": {"review"}, "ticked": {ids(f.wang, f.li)},
			"shown": {ids(f.li, f.dup)}, "tick": {fmt.Sprint(f.dup.ID)}}))
		if !strings.Contains(res.body, `id="review-recipients">已勾选 2 位联系人`) || !strings.Contains(res.body,
			fmt.Sprintf(`name="ticked" value="%s"`, ids(f.wang, f.dup))) {
			t.Errorf("ticks across pages:\n%s", res.body)
		}
	})
}

func TestBulkFilterSelectionIsResolvedServerSide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		const n = 1200
		mass := &model.Customer{Code: "M001", Name: "Mass 批量客户", Level: "B", Industry: "零售", RepID: &e.agent1.ID}
		must(t, s.CreateCustomer(ctx, mass))
		must(t, s.InBatch(ctx, func(b *storage.Batch) error {
			for i := range n {
				if err := b.CreateContact(ctx, &model.Contact{CustomerID: mass.ID, Name: fmt.Sprintf("联系人%04d", i),
					Mobile: fmt.Sprintf("+86139%08d", i)}); err != nil {
					return err
				}
			}
			return nil
		}))
		agent := e.signedIn(t, e.agent1)

		// The picker pages the matches; selecting them all sends the filter.
		filter := url.Values{"q": {"mass"}, "industry": {"零售"}, "step": {"recipients"}}
		res := agent.postRaw("/bulk/new", wizard(filter), map[string]string{"HX-Request": "true", "HX-Target": "recipient-results",
			"X-CSRF-Token": agent.csrf})
		if res.status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.body), `<div id="recipient-results"`) ||
			!strings.Contains(res.body, "符合条件 1,200 位") || strings.Count(res.body, `class="pick-row"`) != 50 {
			t.Fatalf("picker: %d\n%s", res.status, res.body)
		}
		res = agent.postRaw("/bulk/new", wizard(url.Values{"q": {"mass"}, "industry": {"零售"}, "select": {"all"}}),
			map[string]string{"HX-Request": "true", "HX-Target": "recipient-results", "X-CSRF-Token": agent.csrf})
		if !strings.Contains(res.body, `name="mode" value="all"`) || !strings.Contains(res.body, "已选择符合条件的全部 1,200 位联系人") {
			t.Fatalf("select all:\n%s", res.body)
		}
		res = agent.postHTMX("/bulk/new", wizard(url.Values{"q": {"mass"}, "industry": {"零售"}, "mode": {"all"}, "goto": {"review"}}))
		if !strings.Contains(res.body, `id="review-sms-send">1,200<`) || !strings.Contains(res.body, "符合条件的全部 1,200 位联系人") {
			t.Fatalf("review of the filter:\n%s", res.body)
		}

		form := wizard(url.Values{"q": {"mass"}, "industry": {"零售"}, "mode": {"all"}})
		if len(form.Encode()) > 400 {
			t.Fatalf("the wizard posts %d bytes for a filter", len(form.Encode()))
		}
		id := created(t, agent.post("/bulk", form))
		var got int
		must(t, s.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM bulk_recipients WHERE bulk_send_id = $1`, id).Scan(&got))
		if got != n {
			t.Fatalf("%d recipients stored, want %d", got, n)
		}
		b := e.bulkSends()[0]
		var sel storage.RecipientSelection
		must(t, json.Unmarshal([]byte(b.Selection), &sel))
		if len(sel.ContactIDs) != 0 || sel.Query != "mass" || sel.Industry != "零售" {
			t.Errorf("stored selection: %s", b.Selection)
		}
		if b.Counts.Total != n || b.Counts.Pending != n {
			t.Errorf("counts: %+v", b.Counts)
		}
	})
}

func TestBulkVisibilityAndCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		f := e.bulkFixture()
		// mgr manages agent1's team.
		mgr := e.user("mgr", model.RoleAgent, nil)
		team, err := s.TeamByID(ctx, *e.agent1.TeamID)
		must(t, err)
		team.ManagerID = &mgr.ID
		must(t, s.UpdateTeam(ctx, team))

		agent := e.signedIn(t, e.agent1)
		later := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li, f.dup)}, "when": {"later"},
			"scheduled_at": {later}})))
		page := fmt.Sprintf("/bulk/%d", id)
		res := agent.get(page)
		if res.status != http.StatusOK || !strings.Contains(res.body, "批量联系已定时") || !strings.Contains(res.body, `id="cancel-bulk"`) ||
			!strings.Contains(res.body, `data-events="`+page+`/events"`) {
			t.Fatalf("send page: %d\n%s", res.status, res.body)
		}
		b := e.bulkSends()[0]
		if b.Status != model.BulkScheduled || time.Until(b.ScheduledAt) < 39*time.Hour {
			t.Fatalf("scheduled send: %s at %s", b.Status, b.ScheduledAt)
		}

		// Operator, team manager and admin see it; another agent does not.
		for _, u := range []*model.User{e.agent1, mgr, e.admin} {
			c := e.signedIn(t, u)
			if res := c.get("/bulk"); !strings.Contains(res.body, fmt.Sprintf(`id="bulk-%d"`, id)) {
				t.Errorf("%s does not find the send in the list", u.Username)
			}
			if res := c.get(page + "?status=skipped"); res.status != http.StatusOK {
				t.Errorf("%s: send page %d", u.Username, res.status)
			}
		}
		other := e.signedIn(t, e.agent2)
		if res := other.get("/bulk"); strings.Contains(res.body, fmt.Sprintf(`id="bulk-%d"`, id)) || !strings.Contains(res.body, `id="bulk-empty"`) {
			t.Error("another agent sees the send in the list")
		}
		for _, p := range []string{page, page + "/events", page + "/recipients.csv", page + "?status=failed"} {
			if res := other.get(p); res.status != http.StatusNotFound {
				t.Errorf("another agent GET %s: %d, want 404", p, res.status)
			}
		}
		if res := other.postHTMX(page+"/cancel", nil); res.status != http.StatusNotFound {
			t.Errorf("another agent cancels: %d", res.status)
		}
		// The manager sees it but may not cancel it.
		if res := e.signedIn(t, mgr).postHTMX(page+"/cancel", nil); res.status != http.StatusForbidden {
			t.Errorf("manager cancels: %d", res.status)
		}

		// The operator cancels: the pending recipients become skipped.
		res = agent.postHTMX(page+"/cancel", nil)
		if res.status != http.StatusOK || res.header.Get("HX-Redirect") != page {
			t.Fatalf("cancel: %d %v", res.status, res.header)
		}
		b = e.waitBulk(id, model.BulkCancelled)
		if b.Counts.Pending != 0 || b.Counts.Skipped != 3 {
			t.Errorf("after cancel: %+v", b.Counts)
		}
		res = agent.htmxTarget(page+"?status=skipped", "bulk-recipients")
		if !strings.HasPrefix(strings.TrimSpace(res.body), `<section class="card" id="bulk-recipients"`) ||
			strings.Count(res.body, "批量联系已取消") != 1 || !strings.Contains(res.body, "与其他联系人手机号相同") {
			t.Errorf("skipped drill-down:\n%s", res.body)
		}
		if res := agent.get(page); strings.Contains(res.body, `id="cancel-bulk"`) || strings.Contains(res.body, "data-events") {
			t.Error("a cancelled send still offers cancel and a live stream")
		}
		if res := agent.postHTMX(page+"/cancel", nil); res.status != http.StatusConflict {
			t.Errorf("cancel twice: %d", res.status)
		}
	})
}

func TestBulkDeliveryDrillDownAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		f := e.bulkFixture()
		refused := "+8613700000009"
		e.smsWebhook(refused)
		bad := &model.Contact{CustomerID: e.acme.ID, Name: "空号", Mobile: refused}
		must(t, s.CreateContact(ctx, bad))
		e.startWorkers(t)
		agent := e.signedIn(t, e.agent1)
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.li, bad)}})))
		b := e.waitBulk(id, model.BulkDone)
		if b.Counts.Sent != 1 || b.Counts.Failed != 1 || b.Counts.Skipped != 1 {
			t.Fatalf("counts: %+v", b.Counts)
		}
		page := fmt.Sprintf("/bulk/%d", id)
		res := agent.get(page)
		for _, want := range []string{`id="count-failed"`, page + "?status=failed", `id="retry-failed"`, "已于"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("send page lacks %q", want)
			}
		}
		res = agent.get(page + "?status=failed")
		if !strings.Contains(res.body, "空号") || !strings.Contains(res.body, "手机号码无效") || strings.Contains(res.body, "王小明") ||
			!strings.Contains(res.body, "number does not exist") {
			t.Errorf("failed drill-down:\n%s", res.body)
		}
		res = agent.get(page + "?status=sent")
		recs := e.records()
		if len(recs) != 1 || recs[0].Source != model.SourceBulk || !strings.Contains(res.body, fmt.Sprintf(`href="/records/%d"`, recs[0].ID)) {
			t.Errorf("sent drill-down does not link the record: %d records", len(recs))
		}
		res = agent.get(page + "/recipients.csv?status=failed")
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(res.body, "\uFEFF编号,联系人,客户,渠道") ||
			!strings.Contains(res.body, ",空号,Acme 贸易,短信,'+8613700000009,失败,手机号码无效,invalid_mobile,number does not exist,1,") ||
			!strings.Contains(res.body, ",sms,failed\n") ||
			strings.Count(res.body, "\n") != 2 {
			t.Errorf("CSV export: %d %q\n%s", res.status, res.header.Get("Content-Type"), res.body)
		}
		// Retry sends the failed one again: the gateway refuses it again.
		res = agent.post(page+"/retry", nil)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page {
			t.Fatalf("retry: %d", res.status)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			rs, err := s.ListRecipients(ctx, id, storage.RecipientFilter{Status: model.RecipientFailed})
			must(t, err)
			if len(rs) == 1 && rs[0].Attempts == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the failed recipient was not sent again: %+v", rs)
			}
		}
		if b = e.waitBulk(id, model.BulkDone); b.Counts.Sent != 1 || b.Counts.Failed != 1 {
			t.Errorf("after retry: %+v", b.Counts)
		}
		// The operator was notified, with a link to the send.
		ns, err := e.app.Notify.List(ctx, e.agent1.ID, storage.NotificationFilter{})
		must(t, err)
		if len(ns) != 1 || ns[0].Link != page {
			t.Fatalf("notifications: %+v", ns)
		}
		if res := agent.get("/bulk"); !strings.Contains(res.body, `id="bell-count" aria-live="polite">1<`) {
			t.Error("the bell does not count the notification")
		}
	})
}

// smsWebhook sends SMS through a webhook gateway that accepts every number
// but refused, which it answers with invalid_mobile.
func (e *env) smsWebhook(refused string) {
	e.t.Helper()
	srv := newGateway(refused)
	e.t.Cleanup(srv.Close)
	cfg, _ := json.Marshal(map[string]any{"url": srv.URL, "secret": "s3cret"})
	must(e.t, e.app.Channels.Save(context.Background(), e.admin.ID, "sms", "webhook", cfg, 0))
}

func TestBulkEventsStream(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		f := e.bulkFixture()
		e.startWorkers(t)
		agent := e.signedIn(t, e.agent1)
		later := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02T15:04")
		id := created(t, agent.post("/bulk", wizard(url.Values{"ticked": {ids(f.wang, f.dup)}, "when": {"later"}, "scheduled_at": {later}})))
		st := agent.stream(fmt.Sprintf("/bulk/%d/events", id))
		name, data := st.next(5 * time.Second)
		var p struct {
			Status                        string
			Total, Pending, Skipped, Sent int
			Percent                       int
		}
		must(t, json.Unmarshal([]byte(data), &p))
		if name != "progress" || p.Status != model.BulkScheduled || p.Total != 2 || p.Pending != 1 || p.Skipped != 1 || p.Percent != 50 {
			t.Fatalf("first event %s %s", name, data)
		}
		// Cancelled meanwhile: the stream says so and ends.
		must(t, e.app.Bulk.Cancel(context.Background(), permission.Policy{Admin: true}, id))
		name, data = st.next(5 * time.Second)
		must(t, json.Unmarshal([]byte(data), &p))
		if name != "progress" || p.Status != model.BulkCancelled || p.Skipped != 2 {
			t.Fatalf("after cancel: %s %s", name, data)
		}
		if name, _ := st.next(5 * time.Second); name != "end" {
			t.Fatalf("then %q, want end", name)
		}
	})
}

func TestBulkPickerColumnsAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		f := e.bulkFixture()
		old := &model.Topic{Name: "产品介绍", NameEN: "Product", Active: true}
		renewal := &model.Topic{Name: "续费提醒", NameEN: "Renewal", Active: true}
		must(t, s.CreateTopic(ctx, old))
		must(t, s.CreateTopic(ctx, renewal))
		add := func(c *model.Contact, topic *model.Topic, at time.Time) {
			_, err := e.app.Records.AddManual(ctx, permission.Policy{UserID: e.agent1.ID, Admin: true}, record.ManualInput{
				Common: record.Common{ContactID: c.ID, Title: "电话", TopicIDs: []int64{topic.ID}}, Channel: model.ChannelPhone, ContactedAt: at})
			must(t, err)
		}
		// 王小明's last contact was about renewal; 李雷's was about the product.
		add(f.wang, old, time.Now().Add(-48*time.Hour))
		add(f.wang, renewal, time.Now().Add(-time.Hour))
		add(f.li, old, time.Now().Add(-time.Hour))
		agent := e.signedIn(t, e.agent1)
		pick := func(form url.Values) string {
			t.Helper()
			res := agent.postRaw("/bulk/new", wizard(form), map[string]string{"HX-Request": "true", "HX-Target": "recipient-results",
				"X-CSRF-Token": agent.csrf})
			if res.status != http.StatusOK {
				t.Fatalf("picker %v: %d", form, res.status)
			}
			return res.body
		}
		// Every contact agent1 may see, not only Acme's: Globex is shared with them.
		body := pick(nil)
		for _, want := range []string{"王小明", "勿扰联系人", "符合条件 5 位", "East", "Agent1", `<span class="tag">续费提醒</span>`,
			`<span class="badge badge-red">勿扰</span>`} {
			if !strings.Contains(body, want) {
				t.Errorf("picker lacks %q", want)
			}
		}
		if strings.Contains(body, "看不见") {
			t.Error("the picker lists a contact the user may not see")
		}
		// The topic of the last contact, not of any contact.
		body = pick(url.Values{"topic": {fmt.Sprint(renewal.ID)}})
		if !strings.Contains(body, "符合条件 1 位") || !strings.Contains(body, `id="pick-`+fmt.Sprint(f.wang.ID)+`"`) {
			t.Errorf("last-topic filter:\n%s", body)
		}
		body = pick(url.Values{"topic": {fmt.Sprint(old.ID)}})
		if !strings.Contains(body, "符合条件 1 位") || !strings.Contains(body, `id="pick-`+fmt.Sprint(f.li.ID)+`"`) {
			t.Errorf("last-topic filter (product):\n%s", body)
		}
		if body := pick(url.Values{"has_email": {"on"}}); !strings.Contains(body, "符合条件 1 位") {
			t.Errorf("has e-mail filter:\n%s", body)
		}
		// Ticked rows show ticked after a filter change; the ticked list is kept.
		body = pick(url.Values{"ticked": {ids(f.li, f.dnc)}, "q": {"acme"}})
		if !strings.Contains(body, fmt.Sprintf(`value="%d" aria-label="勾选 Li Lei" checked`, f.li.ID)) ||
			!strings.Contains(body, fmt.Sprintf(`name="ticked" value="%s"`, ids(f.li, f.dnc))) ||
			!strings.Contains(body, `id="ticked-count">2<`) {
			t.Errorf("ticks after filtering:\n%s", body)
		}
	})
}

// TestBulkFromTickedCustomers: the customer list's selection bar opens the
// wizard with the contacts of the ticked customers ticked as recipients;
// a customer the rep may not see is not found, and htmx is sent to the
// wizard's page.
func TestBulkFromTickedCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		agent := e.signedIn(t, e.agent1)
		var want []string
		for _, c := range []*model.Customer{e.acme, e.globex} {
			cs, err := s.ListContacts(context.Background(), permission.Policy{Admin: true}, storage.ContactFilter{CustomerID: c.ID, Limit: 100})
			must(t, err)
			for _, ct := range cs {
				want = append(want, fmt.Sprint(ct.ID))
			}
		}
		page := fmt.Sprintf("/bulk/new?customer_ids=%d&customer_ids=%d", e.acme.ID, e.globex.ID)
		res := agent.get(page)
		m := regexp.MustCompile(`name="ticked" value="([0-9,]*)"`).FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil {
			t.Fatalf("wizard from customers: %d\n%s", res.status, res.body)
		}
		got := strings.Split(m[1], ",")
		slices.Sort(got)
		slices.Sort(want)
		if len(want) < 2 || !slices.Equal(got, want) {
			t.Errorf("ticked %v, want the contacts of both customers %v", got, want)
		}
		if res := agent.get(fmt.Sprintf("/bulk/new?customer_ids=%d", e.initec.ID)); res.status != http.StatusNotFound {
			t.Errorf("a customer the rep may not see: %d, want 404", res.status)
		}
		if res := agent.htmx(page); res.header.Get("HX-Redirect") != page {
			t.Errorf("htmx from the selection bar: %d, redirect %q", res.status, res.header.Get("HX-Redirect"))
		}
		list := agent.get("/customers")
		for _, want := range []string{`id="bulk-many-submit"`, `formaction="/bulk/new"`, `id="plan-many-submit"`, `id="picked-count"`} {
			if !strings.Contains(list.body, want) {
				t.Errorf("the customer list lacks %s", want)
			}
		}
	})
}
