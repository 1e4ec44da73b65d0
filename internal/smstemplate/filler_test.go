package smstemplate

import (
	"errors"
	"reflect"
	"testing"

	"touchbase/internal/message"
	"touchbase/internal/model"
)

func TestVariablesByProvider(t *testing.T) {
	for _, tc := range []struct {
		provider, content string
		want              []string
	}{
		{"aliyun", "尊敬的${name}，您的订单${order}已发货，${name}请查收。", []string{"name", "order"}},
		{"aliyun", "没有变量，{1} 也不是变量，$name 也不是", nil},
		{"aliyun", "${1x} 不合法，${ok_2} 合法", []string{"ok_2"}},
		{"tencent", "您好{1}，验证码{2}，{1}", []string{"1", "2"}},
		{"tencent", "${name} 不是腾讯云变量，{0} 也不是", nil},
	} {
		if got := Variables(tc.provider, tc.content); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Variables(%s, %q) = %q, want %q", tc.provider, tc.content, got, tc.want)
		}
	}
}

func TestFillerFillsEachSource(t *testing.T) {
	tpl := &model.SMSTemplate{Provider: "aliyun", Kind: model.TemplateNotice,
		Content: "${name}您好，您在${shop}的工单${order}已处理，${name}如有疑问请致电。",
		Variables: map[string]model.VarSource{
			"name":  {Source: model.VarMerge, Field: "contact.name"},
			"shop":  {Source: model.VarConstant, Value: "恒信旗舰店"},
			"order": {Source: model.VarRep, Label: "工单号"},
		}}
	f, err := NewFiller(tpl, "恒信科技", map[string]string{"order": " GD-1024 "}, "sms.params")
	if err != nil {
		t.Fatal(err)
	}
	params, text := f.Fill(message.Data{ContactName: "李雷"})
	want := map[string]string{"name": "李雷", "shop": "恒信旗舰店", "order": "GD-1024"}
	if !reflect.DeepEqual(params, want) {
		t.Fatalf("params = %v, want %v", params, want)
	}
	if text != "【恒信科技】李雷您好，您在恒信旗舰店的工单GD-1024已处理，李雷如有疑问请致电。" {
		t.Fatalf("text = %q", text)
	}
	// The template's own signature wins over the channel's.
	tpl.SignName = "恒信客服"
	f, _ = NewFiller(tpl, "恒信科技", map[string]string{"order": "1"}, "sms.params")
	if _, text := f.Fill(message.Data{}); text[:len("【恒信客服】")] != "【恒信客服】" {
		t.Fatalf("signature: %q", text)
	}
}

func TestFillerRefusesMissingAndUnknownValues(t *testing.T) {
	tpl := &model.SMSTemplate{Provider: "tencent", Content: "您好{1}，工单{2}已处理",
		Variables: map[string]model.VarSource{"1": {Source: model.VarMerge, Field: "contact.name"}}}
	_, err := NewFiller(tpl, "", map[string]string{"3": "x"}, "sms.params")
	var ve model.ValidationErrors
	if !errors.As(err, &ve) || ve.For("sms.params.2") == nil || ve.For("sms.params.3") == nil {
		t.Fatalf("want errors on sms.params.2 (unfilled) and sms.params.3 (unknown), got %v", err)
	}
	tpl.Variables["1"] = model.VarSource{Source: model.VarMerge, Field: "contact.age"}
	if _, err := NewFiller(tpl, "", map[string]string{"2": "x"}, "sms.params"); err == nil {
		t.Fatal("a mapping to an unknown merge field was accepted")
	}
}

func TestUsable(t *testing.T) {
	base := model.SMSTemplate{State: model.ReviewApproved, Kind: model.TemplateNotice, Content: "您好"}
	promo := base
	promo.Kind, promo.Content = model.TemplateMarketing, "新品上市，拒收请回复R"
	bare := promo
	bare.Content = "新品上市，快来买"
	pending := base
	pending.State = model.ReviewPending
	code := base
	code.Kind = model.TemplateVerification
	for _, tc := range []struct {
		name      string
		t         model.SMSTemplate
		marketing bool
		code      string
	}{
		{"approved notice", base, false, ""},
		{"notice in a marketing send", base, true, ""},
		{"marketing in a marketing send", promo, true, ""},
		{"marketing in a service send", promo, false, "template_marketing_only"},
		{"marketing without an opt-out", bare, true, "template_no_opt_out"},
		{"under review", pending, false, "template_not_approved"},
		{"verification code", code, false, "template_verification"},
	} {
		err := Usable(&tc.t, tc.marketing, "sms.template_id")
		var fe *model.FieldError
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code != "" && (!errors.As(err, &fe) || fe.Code != tc.code || fe.Field != "sms.template_id"):
			t.Errorf("%s: %v, want %s on sms.template_id", tc.name, err, tc.code)
		}
	}
}

func TestHasOptOut(t *testing.T) {
	for content, want := range map[string]bool{
		"新品上市，拒收请回复R":            true,
		"活动详情见官网，回T退订":           true,
		"Sale today. Reply STOP": true,
		"新品上市，快来买":               false,
	} {
		if HasOptOut(content) != want {
			t.Errorf("HasOptOut(%q) = %v", content, !want)
		}
	}
}
