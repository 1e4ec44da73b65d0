package api

import (
	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/smstemplate"
)

const smsTemplatesDesc = "On an SMS channel of Aliyun or Tencent Cloud every message goes out under an approved " +
	"signature (短信签名) and template (短信模板) in which only the variables change (Aliyun ${name}, Tencent {1}). " +
	"Templates are synced from the provider (hourly, and by POST /sms-templates/sync) or entered by hand; for each " +
	"variable an admin picks what fills it: a merge field of the recipient, a constant, or the rep when sending. " +
	"On the other providers SMS are free text and this list is empty (templated: false)."

// smsOperations are the endpoints of SMS templates and signatures.
var smsOperations = []operation{
	{method: "GET", path: "/sms-templates", tag: "sms templates", desc: smsTemplatesDesc,
		summary: "The SMS channel's templates and signatures, approved ones first", ok: 200, okSchema: "SMSTemplates"},
	{method: "POST", path: "/sms-templates", tag: "sms templates",
		summary: "Enter a template by hand, for a provider that lists none or one not yet synced (admins)",
		body:    "SMSTemplateInput", ok: 201, okSchema: "SMSTemplate", errs: []int{409}},
	{method: "POST", path: "/sms-templates/sync", tag: "sms templates",
		summary: "Sync templates and signatures from the provider now (admins)",
		desc:    "400 (field provider): the SMS channel sends free text. 502: the provider refused, with its reason.",
		ok:      200, okSchema: "SMSTemplateSync", errs: []int{400, 502}, errSchema: map[int]string{502: "ProviderError"}},
	{method: "GET", path: "/sms-templates/{id}", tag: "sms templates", summary: "One template", ok: 200, okSchema: "SMSTemplate"},
	{method: "PUT", path: "/sms-templates/{id}", tag: "sms templates",
		summary: "Set a template's name, kind, signature and variable mapping; code, content and state too for one entered by hand (admins)",
		body:    "SMSTemplateInput", ok: 200, okSchema: "SMSTemplate"},
	{method: "DELETE", path: "/sms-templates/{id}", tag: "sms templates",
		summary: "Delete a template entered by hand that no bulk send uses (admins)", ok: 204, errs: []int{409}},
}

func smsSchemas() obj {
	states := enum(model.ReviewStates...)
	varSource := object([]string{"source"}, obj{
		"source": enum(model.VarMerge, model.VarConstant, model.VarRep),
		"field":  obj{"type": "string", "enum": message.Fields(), "description": "for merge: the merge field"},
		"value":  obj{"type": "string", "maxLength": 200, "description": "for constant: the text"},
		"label":  obj{"type": "string", "maxLength": 50, "description": "for rep: what the rep is asked for"},
	})
	varSource["additionalProperties"] = false
	template := object([]string{"id", "provider", "code", "name", "kind", "content", "state", "review_note", "origin",
		"sign_name", "variables", "synced_at", "updated_at"}, obj{
		"id": id64(), "provider": typ("string"),
		"code":        obj{"type": "string", "description": "Aliyun TemplateCode, Tencent TemplateId"},
		"name":        typ("string"),
		"kind":        enum(model.TemplateKinds...),
		"content":     obj{"type": "string", "description": "in the provider's syntax"},
		"state":       states,
		"review_note": obj{"type": "string", "description": "the provider's reason for a rejection"},
		"origin":      enum(model.OriginSynced, model.OriginManual),
		"sign_name":   obj{"type": "string", "description": "the signature it goes out under; empty: the channel's"},
		"variables": obj{"type": "object", "additionalProperties": ref("SMSVariable"),
			"description": "what fills each variable; a variable not listed is filled by the rep"},
		"synced_at": nullable(dateTime()), "updated_at": dateTime(),
	})
	signature := object([]string{"id", "provider", "name", "state", "review_note", "origin", "synced_at", "updated_at"}, obj{
		"id": id64(), "provider": typ("string"), "name": typ("string"), "state": states, "review_note": typ("string"),
		"origin": enum(model.OriginSynced, model.OriginManual), "synced_at": nullable(dateTime()), "updated_at": dateTime(),
	})
	counts := object([]string{"Added", "Updated", "Withdrawn"}, obj{"Added": typ("integer"), "Updated": typ("integer"),
		"Withdrawn": obj{"type": "integer", "description": "synced before, no longer listed by the provider"}})
	return obj{
		"SMSVariable":  varSource,
		"SMSTemplate":  template,
		"SMSSignature": signature,
		"SMSTemplates": object([]string{"provider", "templated", "templates", "signatures"}, obj{
			"provider":   typ("string"),
			"templated":  obj{"type": "boolean", "description": "the SMS channel sends approved templates only"},
			"templates":  arrayOf(ref("SMSTemplate")),
			"signatures": arrayOf(ref("SMSSignature")),
		}),
		"SMSTemplateSync": object([]string{"provider", "templates", "signatures"}, obj{
			"provider": typ("string"), "templates": counts, "signatures": counts}),
		"SMSTemplateInput": input(nil, obj{
			"provider": obj{"type": "string", "enum": []string{"aliyun", "tencent"},
				"description": "for a template entered by hand: its provider; default the SMS channel's"},
			"code":      obj{"type": "string", "maxLength": 64, "description": "required for a template entered by hand"},
			"name":      obj{"type": "string", "maxLength": 100},
			"kind":      obj{"type": "string", "enum": model.TemplateKinds, "default": model.TemplateNotice},
			"content":   obj{"type": "string", "maxLength": 500, "description": "required for a template entered by hand"},
			"state":     obj{"type": "string", "enum": model.ReviewStates, "default": model.ReviewApproved},
			"sign_name": obj{"type": "string", "maxLength": 30},
			"variables": obj{"type": "object", "additionalProperties": ref("SMSVariable"),
				"maxProperties": smstemplate.MaxParams},
		}),
	}
}
