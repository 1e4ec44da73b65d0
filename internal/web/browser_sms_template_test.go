package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/model"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/browser"
	"touchbase/internal/testutil/fakealiyun"
)

// TestBrowserSMSTemplates walks an admin and a rep through SMS on an
// Aliyun channel (the fake): the admin syncs the signatures and templates
// and sets what fills a template's variables; the rep sends one SMS with
// that template from the contact dialog, filling the variable left to
// them, and a bulk send with a marketing template through the wizard. The
// provider receives exactly the template code, signature and parameters.
func TestBrowserSMSTemplates(t *testing.T) {
	browser.Require(t)
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	for _, u := range []*model.User{e.admin, e.agent1} {
		u.Language, u.Timezone = "zh-CN", "Asia/Shanghai"
		must(t, e.store.UpdateUser(ctx, u))
	}
	fake := fakealiyun.New(t)
	fake.AddSign(fakealiyun.Sign{Name: "恒信科技", Status: fakealiyun.AuditPass})
	fake.AddTemplate(fakealiyun.Template{Code: "SMS_100", Name: "工单回访", Kind: fakealiyun.Notice, Status: fakealiyun.AuditPass,
		Content: "${name}您好，您的工单${order}已处理完毕。"})
	fake.AddTemplate(fakealiyun.Template{Code: "SMS_200", Name: "新品推广", Kind: fakealiyun.Marketing, Status: fakealiyun.AuditPass,
		Content: "${name}您好，新品上市，详询客服。拒收请回复R"})
	var cfg map[string]any
	must(t, json.Unmarshal(fake.Config("恒信科技", "", nil), &cfg))
	delete(cfg, "template_code")
	raw, _ := json.Marshal(cfg)
	must(t, e.app.Channels.Save(ctx, e.admin.ID, channel.KindSMS, channel.ProviderAliyun, raw, 0))
	e.startWorkers(t)

	// The admin syncs and maps SMS_100: the name from the contact, the
	// work-order number from the rep.
	admin := browser.New(t, browser.WithTimeout(60*time.Second))
	e.logIn(admin, "admin")
	admin.WaitVisible("#home-stats")
	admin.Visit(e.srv.URL+"/admin/sms-templates", "#sync-templates")
	admin.Click("#sync-templates")
	admin.WaitVisible("#sync-result")
	if got := admin.Text("#sync-result"); !strings.Contains(got, "新增 2 个模板") || !strings.Contains(got, "新增签名 1 个") {
		t.Errorf("sync result: %q", got)
	}
	if got := admin.Text("#tpl-SMS_200"); !strings.Contains(got, "推广") || !strings.Contains(got, "审核通过") {
		t.Errorf("marketing template row: %q", got)
	}
	admin.Shot("sms-templates")
	admin.Settled()
	admin.Click("#tpl-SMS_100 .row-actions a")
	admin.WaitVisible("#sms-template-form #f-var-order")
	admin.Settled()
	admin.Fill("#f-var-name", "merge:contact.name")
	admin.Fill("#f-var-order", "rep")
	admin.Fill("#f-text-order", "工单号")
	admin.Shot("sms-template-dialog")
	admin.Click("#save-template")
	admin.WaitGone("#sms-template-form")
	admin.WaitText("#tpl-SMS_100", "联系人姓名")
	admin.Settled() // the swapped-in rows' links are htmx's only once settled
	admin.Click("#tpl-SMS_200 .row-actions a")
	admin.WaitVisible("#sms-template-form #f-var-name")
	admin.Settled()
	admin.Fill("#f-var-name", "merge:contact.name")
	admin.Click("#save-template")
	admin.WaitGone("#sms-template-form")
	admin.WaitText("#tpl-SMS_200", "联系人姓名")

	// The rep sends one SMS with SMS_100.
	rep := browser.New(t, browser.WithTimeout(60*time.Second))
	wang := e.contactNamed(e.acme.ID, "王小明")
	e.logIn(rep, "agent1")
	rep.WaitVisible("#home-stats")
	rep.Visit(fmt.Sprintf("%s/customers/%d", e.srv.URL, e.acme.ID), "#customer-name")
	rep.Click(fmt.Sprintf("#contact-%d a.contact-action", wang.ID))
	rep.WaitVisible("#single-contact-dialog #f-sms_template_id")
	rep.Settled()
	rep.Fill("#f-title", "工单回访")
	rep.Fill("#f-sms_template_id", fmt.Sprint(e.templateID(t, "SMS_100")))
	rep.WaitVisible("#f-sms_param-order")
	rep.Settled()
	if got := rep.Value("#f-title"); got != "工单回访" {
		t.Errorf("the title was lost when choosing the template: %q", got)
	}
	rep.WaitText("#preview-sms", "【恒信科技】王小明您好，您的工单［工单号］已处理完毕。")
	rep.Fill("#f-sms_param-order", "GD-1024")
	rep.WaitText("#preview-sms", "【恒信科技】王小明您好，您的工单GD-1024已处理完毕。")
	rep.WaitText("#sms-counter", "1")
	rep.Shot("contact-with-template")
	rep.Click("#send-contact")
	rep.WaitVisible("#single-contact-done")
	if got := rep.Text("#single-done-title"); got != "已发送" {
		t.Errorf("a send through Aliyun is titled %q, want 已发送", got)
	}
	rep.WaitText(".toast", "已发送并记录。")
	sent := fake.Sent()
	if len(sent) != 1 || sent[0].TemplateCode != "SMS_100" || sent[0].SignName != "恒信科技" ||
		!reflect.DeepEqual(sent[0].Params, map[string]string{"name": "王小明", "order": "GD-1024"}) {
		t.Fatalf("provider got %+v", sent)
	}

	// A bulk send with the marketing template, marked marketing; the
	// carrier will report the number empty (空号).
	fake.SetOutcome(wang.Mobile, "MK:0001")
	rep.Visit(e.srv.URL+"/bulk/new", "#bulk-wizard #f-title")
	rep.Settled()
	rep.Fill("#f-title", "新品上市")
	rep.Fill("#f-sms_template_id", fmt.Sprint(e.templateID(t, "SMS_200")))
	rep.WaitVisible("#sms-template-content")
	rep.Settled()
	rep.Check("#f-sms_marketing", true)
	rep.WaitText("#preview-sms", "拒收请回复R")
	rep.Click("#to-recipients")
	rep.WaitVisible("#recipient-table")
	rep.Settled()
	rep.Check(fmt.Sprintf(`#pick-%d .pick-row`, wang.ID), true)
	rep.WaitText("#ticked-count", "1")
	rep.Settled()
	rep.Click("#to-review")
	rep.WaitVisible("#send-bulk")
	rep.Settled()
	rep.Click("#send-bulk")
	rep.WaitVisible("#bulk-progress")
	rep.WaitText("#bulk-status", "已完成")
	rep.Shot("bulk-with-template")
	sent = fake.Sent()
	if len(sent) != 2 || sent[1].TemplateCode != "SMS_200" || sent[1].Params["name"] != "王小明" ||
		sent[1].Text != "【恒信科技】王小明您好，新品上市，详询客服。拒收请回复R" {
		t.Fatalf("provider got %+v", sent)
	}
	if refused := fake.Refused(); len(refused) != 0 {
		t.Fatalf("the provider refused: %+v", refused)
	}

	// Aliyun pushes the receipts (as its SmsReport callback does); the
	// send's page shows the undelivered recipient, with the reason.
	var last []fakealiyun.Report
	for _, rp := range fake.Reports() {
		if rp.BizID == sent[1].BizID {
			last = append(last, rp)
		}
	}
	body, _ := json.Marshal(last)
	if _, err := e.app.Receipts.Aliyun(ctx, e.app.Receipts.Token(), body); err != nil {
		t.Fatal(err)
	}
	rep.Visit(rep.URL(), "#bulk-progress")
	rep.WaitText("#count-undelivered", "1")
	rep.Click("#count-undelivered")
	rep.WaitVisible("#drill-table")
	rep.Settled()
	if got := rep.Text("#drill-table"); !strings.Contains(got, "未送达") || !strings.Contains(got, "空号") || !strings.Contains(got, "MK:0001") {
		t.Errorf("undelivered drill-down: %q", got)
	}
	rep.Shot("bulk-undelivered")
}

// templateID is the id of the synced template with code.
func (e *env) templateID(t *testing.T, code string) int64 {
	t.Helper()
	list, err := e.store.SMSTemplates(context.Background(), "aliyun")
	must(t, err)
	for _, tpl := range list {
		if tpl.Code == code {
			return tpl.ID
		}
	}
	t.Fatalf("no template %s", code)
	return 0
}
