package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakealiyun"
)

// templateWorld is a contact world whose SMS channel is Aliyun (the fake),
// with its templates synced.
type templateWorld struct {
	*contactWorld
	fake *fakealiyun.Server
	ids  map[string]int64 // template code → id
}

func newTemplateWorld(t *testing.T, s *storage.Store) *templateWorld {
	t.Helper()
	w := &templateWorld{contactWorld: newContactWorld(t, s), fake: fakealiyun.New(t), ids: map[string]int64{}}
	w.fake.AddSign(fakealiyun.Sign{Name: "恒信科技", Status: fakealiyun.AuditPass})
	w.fake.AddSign(fakealiyun.Sign{Name: "恒信客服", Status: fakealiyun.AuditNotPass, Reason: "资质不符"})
	for _, tpl := range []fakealiyun.Template{
		{Code: "SMS_100", Name: "工单回访", Kind: fakealiyun.Notice, Status: fakealiyun.AuditPass,
			Content: "${name}您好，您的工单${order}已处理完毕。"},
		{Code: "SMS_200", Name: "新品推广", Kind: fakealiyun.Marketing, Status: fakealiyun.AuditPass,
			Content: "${name}您好，新品上市，详询客服。拒收请回复R"},
		{Code: "SMS_300", Name: "无退订语", Kind: fakealiyun.Marketing, Status: fakealiyun.AuditPass,
			Content: "${name}您好，新品上市。"},
		{Code: "SMS_400", Name: "审核中", Kind: fakealiyun.Notice, Status: fakealiyun.AuditInit, Content: "您好"},
	} {
		w.fake.AddTemplate(tpl)
	}
	cfg := map[string]any{}
	if err := json.Unmarshal(w.fake.Config("恒信科技", "", nil), &cfg); err != nil {
		t.Fatal(err)
	}
	delete(cfg, "template_code")
	if r := w.e.do(t, "PUT", "channels/sms", map[string]any{"provider": "aliyun", "config": cfg}, w.adm); r.status != 200 {
		t.Fatalf("configure aliyun: %v", r)
	}
	r := w.e.do(t, "POST", "sms-templates/sync", nil, w.adm)
	if r.status != 200 {
		t.Fatalf("sync: %v", r)
	}
	var res struct{ Templates, Signatures struct{ Added int } }
	json.Unmarshal(r.body, &res)
	if res.Templates.Added != 4 || res.Signatures.Added != 2 {
		t.Fatalf("sync added %+v", res)
	}
	var list smsTemplates
	json.Unmarshal(w.e.do(t, "GET", "sms-templates", nil, w.rp).body, &list)
	if !list.Templated || list.Provider != "aliyun" || len(list.Templates) != 4 || len(list.Signatures) != 2 {
		t.Fatalf("list as the rep: %+v", list)
	}
	for _, tpl := range list.Templates {
		w.ids[tpl.Code] = tpl.ID
	}
	if got := list.Templates[len(list.Templates)-1]; got.Code != "SMS_400" || got.State != model.ReviewPending {
		t.Fatalf("templates under review come last: %+v", got)
	}
	return w
}

// mapVars sets what fills a template's variables.
func (w *templateWorld) mapVars(t *testing.T, code, kind string, vars map[string]model.VarSource) {
	t.Helper()
	r := w.e.do(t, "PUT", "sms-templates/"+itoa(w.ids[code]), map[string]any{"kind": kind, "variables": vars}, w.adm)
	if r.status != 200 {
		t.Fatalf("map %s: %v", code, r)
	}
}

func TestSingleSMSThroughAnApprovedTemplate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newTemplateWorld(t, s)
		w.mapVars(t, "SMS_100", model.TemplateNotice, map[string]model.VarSource{
			"name":  {Source: model.VarMerge, Field: "contact.name"},
			"order": {Source: model.VarRep, Label: "工单号"},
		})
		// A rep may not change the mapping.
		if r := w.e.do(t, "PUT", "sms-templates/"+itoa(w.ids["SMS_100"]), map[string]any{"kind": "notice"}, w.rp); r.status != 403 {
			t.Fatalf("rep changing a template: %v", r)
		}
		// The preview shows what the phone will, the rep's value as its label.
		sms := map[string]any{"template_id": w.ids["SMS_100"]}
		r := w.e.do(t, "POST", contactPath(w.li)+"/preview", map[string]any{"title": "回访", "sms": sms}, w.rp)
		var pv struct {
			SMS struct {
				Text     string
				Segments int
			}
		}
		json.Unmarshal(r.body, &pv)
		if r.status != 200 || pv.SMS.Text != "【恒信科技】李雷您好，您的工单［工单号］已处理完毕。" || pv.SMS.Segments != 1 {
			t.Fatalf("preview: %v", r)
		}

		refusals := []struct {
			name  string
			sms   map[string]any
			field string
			code  string
		}{
			{"free text on a template channel", map[string]any{"text": "您好"}, "sms.template_id", "template_required"},
			{"rep value missing", map[string]any{"template_id": w.ids["SMS_100"]}, "sms.params.order", "required"},
			{"unknown variable", map[string]any{"template_id": w.ids["SMS_100"], "params": map[string]string{"order": "1", "x": "2"}}, "sms.params.x", "unknown_variable"},
			{"marketing template in a service message", map[string]any{"template_id": w.ids["SMS_200"]}, "sms.template_id", "template_marketing_only"},
			{"marketing template without an opt-out", map[string]any{"template_id": w.ids["SMS_300"], "marketing": true}, "sms.template_id", "template_no_opt_out"},
			{"template under review", map[string]any{"template_id": w.ids["SMS_400"]}, "sms.template_id", "template_not_approved"},
			{"no such template", map[string]any{"template_id": 999999}, "sms.template_id", "not_found"},
		}
		before := w.state(t)
		for _, tc := range refusals {
			r := w.e.do(t, "POST", contactPath(w.li), map[string]any{"title": "回访", "sms": tc.sms}, w.rp)
			code, field := r.errCode(t)
			if r.status != 400 || !strings.Contains(string(r.body), `"field":"`+tc.field+`"`) || !strings.Contains(string(r.body), `"code":"`+tc.code+`"`) {
				t.Errorf("%s: %v (code %s, field %s), want 400 naming %s with %s", tc.name, r, code, field, tc.field, tc.code)
			}
		}
		if after := w.state(t); after != before {
			t.Fatal("a refused single contact changed data")
		}
		if n := w.fake.Calls("SendSms"); n != 0 {
			t.Fatalf("refused contacts reached the provider %d times", n)
		}

		sms["params"] = map[string]string{"order": "GD-1024"}
		r = w.e.do(t, "POST", contactPath(w.li), map[string]any{"title": "回访", "sms": sms}, w.rp)
		if r.status != 200 || !strings.Contains(string(r.body), `"status":"sent"`) {
			t.Fatalf("single contact: %v", r)
		}
		sent := w.fake.Sent()
		if len(sent) != 1 {
			t.Fatalf("provider took %d messages", len(sent))
		}
		m := sent[0]
		if m.TemplateCode != "SMS_100" || m.SignName != "恒信科技" ||
			!reflect.DeepEqual(m.Params, map[string]string{"name": "李雷", "order": "GD-1024"}) ||
			m.Text != "【恒信科技】李雷您好，您的工单GD-1024已处理完毕。" || !strings.HasPrefix(m.OutID, "d") {
			t.Fatalf("provider got %+v", m)
		}
		var content string
		if err := s.DB().QueryRow(`SELECT content FROM contact_records WHERE channel = 'sms'`).Scan(&content); err != nil || content != m.Text {
			t.Fatalf("record keeps %q, %v; the phone shows %q", content, err, m.Text)
		}
		if refused := w.fake.Refused(); len(refused) != 0 {
			t.Fatalf("the provider refused requests: %+v", refused)
		}
	})
}

func TestBulkSMSThroughTemplatesAndAWithdrawnOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newTemplateWorld(t, s)
		w.e.live(t)
		bw := &bulkWorld{e: w.e, opt: w.rp}
		w.mapVars(t, "SMS_200", model.TemplateMarketing, map[string]model.VarSource{"name": {Source: model.VarMerge, Field: "contact.name"}})
		w.mapVars(t, "SMS_100", model.TemplateNotice, map[string]model.VarSource{"name": {Source: model.VarMerge, Field: "contact.name"},
			"order": {Source: model.VarConstant, Value: "年度维保"}})
		ticked := map[string]any{"contact_ids": []int64{w.li.ID, w.noMail.ID, w.optOut.ID}}

		// A marketing template needs a send marked marketing.
		body := map[string]any{"title": "新品", "sms_template_id": w.ids["SMS_200"], "recipients": ticked}
		if r := w.e.do(t, "POST", "bulk-sends", body, w.rp); r.status != 400 || !strings.Contains(string(r.body), "template_marketing_only") {
			t.Fatalf("unmarked marketing send: %v", r)
		}
		body["marketing"] = true
		r := w.e.do(t, "POST", "bulk-sends", body, w.rp)
		if r.status != 201 {
			t.Fatalf("marketing send: %v", r)
		}
		b := r.json(t)
		if b["sms_text"] != "【恒信科技】${name}您好，新品上市，详询客服。拒收请回复R" || b["marketing"] != true {
			t.Fatalf("send as stored: %v", r)
		}
		done := bw.waitStatus(t, int64(b["id"].(float64)), model.BulkDone)
		if c := done["counts"].(map[string]any); c["sent"].(float64) != 2 || c["skipped"].(float64) != 1 {
			t.Fatalf("counts %v", c)
		}
		texts := map[string]string{}
		for _, m := range w.fake.Sent() {
			if m.TemplateCode != "SMS_200" || m.SignName != "恒信科技" || m.Params["name"] == "" {
				t.Fatalf("provider got %+v", m)
			}
			texts[m.PhoneNumber] = m.Text
		}
		if texts["8613812345678"] != "【恒信科技】李雷您好，新品上市，详询客服。拒收请回复R" ||
			texts["8613812345670"] != "【恒信科技】Lucy您好，新品上市，详询客服。拒收请回复R" {
			t.Fatalf("texts per number: %v", texts)
		}

		// A send scheduled for later whose template is withdrawn at the
		// provider meanwhile: its recipients are skipped with that
		// reason, and the provider is never called for them.
		at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
		later := map[string]any{"title": "维保", "sms_template_id": w.ids["SMS_100"], "scheduled_at": at, "recipients": ticked}
		r = w.e.do(t, "POST", "bulk-sends", later, w.rp)
		if r.status != 201 {
			t.Fatalf("scheduled send: %v", r)
		}
		id := int64(r.json(t)["id"].(float64))
		w.fake.SetTemplateStatus("SMS_100", fakealiyun.AuditTemplateCancel, "")
		if r := w.e.do(t, "POST", "sms-templates/sync", nil, w.adm); r.status != 200 {
			t.Fatalf("sync: %v", r)
		}
		calls := w.fake.Calls("SendSms") + w.fake.Calls("SendBatchSms")
		done = bw.waitStatus(t, id, model.BulkDone)
		if c := done["counts"].(map[string]any); c["skipped"].(float64) != 3 || c["sent"].(float64) != 0 {
			t.Fatalf("counts of the withdrawn template's send: %v", c)
		}
		if n := w.fake.Calls("SendSms") + w.fake.Calls("SendBatchSms"); n != calls {
			t.Fatalf("the provider was called %d times for a withdrawn template", n-calls)
		}
		r = w.e.do(t, "GET", fmt.Sprintf("bulk-sends/%d/recipients?status=skipped", id), nil, w.rp)
		if n := strings.Count(string(r.body), `"reason":"template_unavailable"`); n != 2 {
			t.Fatalf("%d recipients skipped for the template, want 2 (the third opted out): %v", n, r)
		}
	})
}
