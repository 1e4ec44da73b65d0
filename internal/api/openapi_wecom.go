package api

import "touchbase/internal/model"

const weComDesc = "The connection to the company's WeCom (企业微信): corp id, the customer contact (客户联系) secret, " +
	"optionally a self-built application (agent id and secret), and the callback token and EncodingAESKey of the " +
	"callback URL BASE_URL/callbacks/wecom. Secrets are sealed at rest and never answered; one access token per " +
	"secret is shared by every process. Members (成员) are mapped to users, customers' WeChat identities (外部联系人) " +
	"to contacts; a sync walks the mapped members' customers every 6 hours and callbacks keep them current. Admins only."

// weComOperations are the endpoints of the WeCom connection.
var weComOperations = []operation{
	{method: "GET", path: "/me/wecom-notifications", tag: "wecom",
		summary: "Whether the caller's notifications also go to their WeCom as application messages",
		desc:    "available: WeCom is connected with an application and a member is mapped to the caller.",
		ok:      200, okSchema: "WeComAppNotify"},
	{method: "PUT", path: "/me/wecom-notifications", tag: "wecom",
		summary: "Turn the caller's WeCom application messages on or off",
		desc: "Notifications go to the member as text cards linking to Touchbase; several in a short time come as one digest. " +
			"400 enabled (unavailable): WeCom has no application, or no member is mapped to the caller.",
		body: "WeComAppNotifyInput", ok: 200, okSchema: "WeComAppNotify"},
	{method: "GET", path: "/wecom", tag: "wecom", desc: weComDesc, summary: "The WeCom connection, secrets emptied (admins)",
		ok: 200, okSchema: "WeComSettings"},
	{method: "PUT", path: "/wecom", tag: "wecom",
		summary: "Set the WeCom connection; secrets left empty keep their stored value (admins)",
		desc:    "400 names the bad field (corp_id, contact_secret, agent_id, agent_secret, callback_token, encoding_aes_key, base_url, confirm_hours, monthly_limit).",
		body:    "WeComInput", ok: 200, okSchema: "WeComSettings"},
	{method: "POST", path: "/wecom/test", tag: "wecom",
		summary: "Fetch a token, list the members who may serve customers and read one (admins)",
		desc:    "409: not connected. 502: WeCom refused (its errcode and errmsg) or did not answer.",
		ok:      200, okSchema: "WeComTest", errs: []int{409, 502}, errSchema: map[int]string{502: "WeComError"}},
	{method: "GET", path: "/wecom/members", tag: "wecom", summary: "The members known and the users they are (admins)",
		ok: 200, okSchema: "WeComMemberList"},
	{method: "POST", path: "/wecom/members/refresh", tag: "wecom",
		summary: "Read the members from WeCom; map new ones to the user with the same mobile or e-mail (admins)",
		desc:    "409: not connected. 502: WeCom refused.", ok: 200, okSchema: "WeComMemberSync",
		errs: []int{409, 502}, errSchema: map[int]string{502: "WeComError"}},
	{method: "PUT", path: "/wecom/members/{userid}", tag: "wecom", summary: "Set the user a member is, or none (admins)",
		desc: "400 (user_id): no such user, or the user is another member already.",
		body: "WeComMemberInput", ok: 200, okSchema: "WeComMember"},
	{method: "POST", path: "/wecom/sync", tag: "wecom", summary: "Walk the mapped members' customers now (admins)",
		desc: "Queued: GET /wecom/review and the contacts show the result. 409: not connected.",
		ok:   202, okSchema: "Queued", errs: []int{409}},
	{method: "GET", path: "/wecom/review", tag: "wecom",
		summary: "External contacts matched to no contact and not set aside, newest first (admins)", ok: 200, okSchema: "WeComExternalList"},
	{method: "PUT", path: "/wecom/externals/{id}", tag: "wecom",
		summary: "Match an external contact to a contact, or set it aside as no customer (contact_id null) (admins)",
		desc:    "400 (contact_id): no such contact.", body: "WeComResolveInput", ok: 200, okSchema: "WeComExternal"},
}

func weComSchemas() obj {
	config := obj{
		"corp_id":          obj{"type": "string", "maxLength": 32, "description": "企业ID, such as ww1436e0e65a779aee"},
		"contact_secret":   obj{"type": "string", "description": "the customer contact (客户联系) secret; write only"},
		"agent_id":         obj{"type": "integer", "format": "int64", "minimum": 0, "description": "a self-built application's AgentId; 0: none"},
		"agent_secret":     obj{"type": "string", "description": "the application's secret; write only"},
		"callback_token":   obj{"type": "string", "maxLength": 32, "description": "the callback's Token; write only"},
		"encoding_aes_key": obj{"type": "string", "description": "the callback's EncodingAESKey (43 characters); write only"},
		"base_url":         obj{"type": "string", "description": "the API's address; empty: https://qyapi.weixin.qq.com"},
		"confirm_hours": obj{"type": "integer", "minimum": 0, "maximum": 720,
			"description": "how long a member has to confirm a mass-message task before its customers are skipped (wecom_not_confirmed); 0: 48"},
		"monthly_limit": obj{"type": "integer", "minimum": 0, "maximum": 31,
			"description": "mass messages a customer may receive a month, when the company set fewer than WeCom's (as many as the month has days); 0: WeCom's"},
	}
	follow := object([]string{"userid"}, obj{"userid": typ("string"), "member_name": typ("string"), "remark": typ("string"),
		"remark_mobiles": arrayOf(typ("string")), "added_at": dateTime()})
	member := object([]string{"userid", "name", "user_id", "follows", "updated_at"}, obj{
		"userid": obj{"type": "string", "description": "WeCom's userid"}, "name": typ("string"),
		"mobile": typ("string"), "email": typ("string"), "user_id": nullable(id64()), "user_name": typ("string"),
		"matched_by": enum(model.WeComMatchedByHand, model.WeComMatchedByMobile, model.WeComMatchedByEmail),
		"follows":    obj{"type": "integer", "description": "external contacts who added the member"}, "updated_at": dateTime()})
	external := object([]string{"external_userid", "name", "contact_id", "follows", "updated_at"}, obj{
		"external_userid": typ("string"), "name": typ("string"), "unionid": typ("string"), "corp_name": typ("string"),
		"contact_id": nullable(id64()),
		"matched_by": enum(model.WeComMatchedByRemarkPhone, model.WeComMatchedByHand, model.WeComNotACustomer),
		"follows":    nullable(arrayOf(ref("WeComFollow"))), "updated_at": dateTime()})
	return obj{
		"WeComAppNotify": object([]string{"available", "enabled"}, obj{"available": typ("boolean"), "enabled": typ("boolean"),
			"member": obj{"type": "string", "description": "the caller's member (userid)"}}),
		"WeComAppNotifyInput": input([]string{"enabled"}, obj{"enabled": typ("boolean")}),
		"WeComInput":          input([]string{"corp_id"}, config),
		"WeComSettings": object([]string{"config", "secrets_set", "configured"}, obj{
			"config": withOptional(object(nil, config), obj{"simulated": obj{"type": "boolean",
				"description": "the demo's built-in simulated WeCom (serve --demo), never a real one"}}),
			"secrets_set": obj{"type": "object", "additionalProperties": typ("boolean"), "description": "which secrets hold a value"},
			"configured":  typ("boolean"), "updated_at": dateTime()}),
		"WeComTest": object([]string{"follow_users", "application"}, obj{
			"follow_users": obj{"type": "integer", "description": "members who may serve customers"},
			"member":       ref("WeComMember"), "application": obj{"type": "boolean", "description": "the application's secret was tried too"}}),
		"WeComError": object([]string{"error"}, obj{"error": object([]string{"code", "message", "errcode", "errmsg", "http_status"}, obj{
			"code": enum("wecom_failed"), "message": typ("string"),
			"errcode": obj{"type": "integer", "description": "WeCom's errcode; 0 when it did not answer"},
			"errmsg":  typ("string"), "http_status": obj{"type": "integer", "description": "0 when no answer came"}})}),
		"WeComMember":       member,
		"WeComMemberList":   listSchema("WeComMember"),
		"WeComMemberSync":   object([]string{"members", "matched"}, obj{"members": typ("integer"), "matched": typ("integer")}),
		"WeComMemberInput":  input([]string{"user_id"}, obj{"user_id": nullable(id64())}),
		"WeComFollow":       follow,
		"WeComExternal":     external,
		"WeComExternalList": listSchema("WeComExternal"),
		"WeComResolveInput": input([]string{"contact_id"}, obj{"contact_id": nullable(id64())}),
		"Queued":            object([]string{"queued"}, obj{"queued": typ("boolean")}),
	}
}
