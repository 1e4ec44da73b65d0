package api

import (
	"strings"

	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
)

// bulkChannels are the channels a bulk send may use.
var bulkChannels = []string{model.ChannelSMS, model.ChannelEmail, model.ChannelWeCom}

var (
	pBeforeID = param{"before_id", "integer", "older than this one (next_before_id of the previous page)"}
	// recipientQuery narrows the drill-down and its export.
	recipientQuery = []param{
		{"status", "string", "pending (includes sending), sending, sent, failed or skipped; held (of the pending, those held for quiet hours); or, of the sent, delivered, " +
			"undelivered, no_receipt (none came within the provider's retention) or awaiting_receipt"},
		{"channel", "string", "sms, email or wecom"}}
)

const (
	bulkCreateDesc = "Accepts a bulk send (批量联系): when the answer is 201, the send and one recipient row per selected " +
		"contact and channel are stored, and the send is queued for scheduled_at (null: now). Recipients are chosen " +
		"among the contacts the caller may see — ticked (recipients.contact_ids, at most 5000) or every contact " +
		"matching the filter fields minus exclude_ids ({} is everyone the caller may see) — and resolved by the " +
		"server: a filtered selection of any size is a small body. Do-not-contact customers, opted-out contacts, " +
		"contacts without an address and repeated addresses are kept as skipped recipients with their reason. 400: " +
		"a field is invalid (recipients: the selection reaches nobody; channels: neither an SMS text nor an e-mail; " +
		"sms_text, email_subject, email_body: a merge field that does not parse; scheduled_at: not RFC 3339 or in the " +
		"past). The send is visible to its operator, the manager of the operator's team and admins."
	bulkEventsDesc = "Server-Sent Events of the send's live progress. Events: \"progress\" at once and whenever the " +
		"status or counts change (read about every second), and a final \"done\" when the send is done or " +
		"cancelled, after which the stream ends; the data of both is a BulkProgress object. Comments (\": ping\") " +
		"keep an idle stream open. The stream also ends when the client goes or the server shuts down; reconnect " +
		"then. A send already finished answers a single \"done\". 404: missing or not visible (operator, manager of " +
		"the operator's team, admins)."
	notificationStreamDesc = "Server-Sent Events of the caller's notifications, live across every server process. " +
		"Events: \"read\" at once and whenever notifications are marked read, with the unread count; \"created\" for " +
		"each new notification, with it and the unread count. The data of both is a NotificationEvent object. A " +
		"comment (\": ping\") about every 25 s keeps the connection open through proxies. The stream ends when the " +
		"client goes, when the server shuts down, or when the client falls too far behind: reconnect and reload " +
		"the list (a notification may then arrive twice; key by id)."
	botDesc = "The group bot (WeCom, DingTalk or Feishu webhook) that notifications are forwarded to. The URL holds " +
		"the bot's access key: it is stored sealed and shown only as url_hint; the secret only as has_secret."
	botTestDesc = "Posts a test message to the bot now. 200: the bot took it. 502: the bot refused it or could not " +
		"be reached; the error carries its HTTP status, its own error code and message, and whether it is " +
		"transient. 404: no bot is set."
)

// bulkOperations are the endpoints of bulk sends, notifications and
// group-bot settings.
var bulkOperations = []operation{
	{method: "GET", path: "/bulk-sends", tag: "bulk sends",
		summary: "Bulk sends the caller may see (their own, their team's when they manage it, all for admins), newest first, with their counts",
		query:   []param{pBeforeID, {"limit", "integer", "page size, 1–200 (default 50)"}}, ok: 200, okSchema: "BulkSendPage"},
	{method: "POST", path: "/bulk-sends", tag: "bulk sends",
		summary: "Accept a bulk send to a selection resolved by the server, now or at a time", desc: bulkCreateDesc,
		body: "BulkSendInput", ok: 201, okSchema: "BulkSend"},
	{method: "POST", path: "/bulk-sends/preview", tag: "bulk sends",
		summary: "Count whom a selection reaches per channel and whom it skips by reason; render the content for a sample recipient",
		desc: "Takes a bulk send's body (only recipients required) and optionally channels (default: those with " +
			"content, else both). Nothing is stored. Merge fields that do not parse are listed in errors; sms and " +
			"email are null when the channel has no content or the selection reaches nobody on it.",
		body: "BulkPreviewInput", ok: 200, okSchema: "BulkPreview"},
	{method: "GET", path: "/bulk-sends/{id}", tag: "bulk sends", summary: "One bulk send with its counts",
		desc: "404: missing or not visible (visible to its operator, the manager of the operator's team and admins).",
		ok:   200, okSchema: "BulkSend"},
	{method: "GET", path: "/bulk-sends/{id}/recipients", tag: "bulk sends",
		summary: "The recipients behind a count (drill-down), by id, with the reason of each failure or skip, attempts and record",
		query: append(append([]param{}, recipientQuery...), param{"after_id", "integer", "after this recipient (next_after_id of the previous page)"},
			param{"limit", "integer", "page size, 1–1000 (default 100)"}),
		ok: 200, okSchema: "BulkRecipientPage"},
	{method: "GET", path: "/bulk-sends/{id}/recipients/export", tag: "bulk sends",
		summary: "Download the matching recipients as CSV (UTF-8 with BOM), streamed",
		desc: "Headers and reasons in the caller's language, times in their time zone; sent as an attachment. A " +
			"failure after the first bytes aborts the connection rather than ending the file.",
		query: recipientQuery, ok: 200, okMedia: []string{mediaCSV}},
	{method: "POST", path: "/bulk-sends/{id}/cancel", tag: "bulk sends",
		summary: "Cancel a scheduled or running send: its pending recipients become skipped (cancelled)",
		desc: "Rows being sent at that moment finish normally. The operator and admins may: a manager who sees the " +
			"send gets 403. 409: the send is already done or cancelled.",
		ok: 200, okSchema: "BulkSend", errs: []int{409}},
	{method: "POST", path: "/bulk-sends/{id}/pause", tag: "bulk sends",
		summary: "Pause a running send: nothing more goes out until it is resumed",
		desc: "Messages already on their way finish. A send also pauses itself when its canary or its latest " +
			"messages fail more than the settings allow (pause.reason canary, failure_rate or provider). The operator " +
			"and admins may: a manager who sees the send gets 403. 409: the send is not running.",
		ok: 200, okSchema: "BulkSend", errs: []int{409}},
	{method: "POST", path: "/bulk-sends/{id}/resume", tag: "bulk sends",
		summary: "Resume a paused send from where it stopped",
		desc: "Recipients already sent are not sent again; a send paused by its canary counts the canary as passed. " +
			"The operator and admins may: a manager gets 403. 409: the send is not paused.",
		ok: 200, okSchema: "BulkSend", errs: []int{409}},
	{method: "POST", path: "/bulk-sends/{id}/approve", tag: "bulk sends",
		summary: "Approve a send waiting for approval: it goes out at its scheduled time, at once if that has passed",
		desc: "A send with more messages or a higher estimated cost than the settings allow (approve_above, approve_cost) " +
			"waits for approval (status awaiting_approval). Admins and the manager of the operator's team may decide, " +
			"never the operator: others get 403. The comment is optional; the body may be left out. 409: the send " +
			"does not wait for approval.",
		body: "BulkDecision", ok: 200, okSchema: "BulkSend", errs: []int{409}},
	{method: "POST", path: "/bulk-sends/{id}/reject", tag: "bulk sends",
		summary: "Reject a send waiting for approval: nothing is sent, its recipients are skipped (approval_rejected)",
		desc: "Same rights as approve; the comment, which the operator is told, is required. A send nobody decides on " +
			"within 24 hours of its scheduled time expires (status expired, recipients skipped approval_expired). " +
			"409: the send does not wait for approval.",
		body: "BulkDecision", ok: 200, okSchema: "BulkSend", errs: []int{409}},
	{method: "POST", path: "/bulk-sends/{id}/retry-failed", tag: "bulk sends",
		summary: "Queue the failed recipients of a running or finished send again",
		desc: "Each failed recipient becomes pending again and is sent as a new attempt; the send runs again. " +
			"Recipients whose outcome is unknown (counts.unknown, reason outcome_unknown: interrupted while a provider " +
			"that cannot be asked again had them, so they may have arrived) are left out unless include_unknown is true. " +
			"The body may be left out. requeued 0: nothing had failed. The operator and admins may: a manager gets 403. " +
			"409: the send is scheduled or cancelled.",
		body: "BulkRetry", ok: 200, okSchema: "BulkRetryResult", errs: []int{409}},
	{method: "GET", path: "/bulk-sends/{id}/wecom-tasks", tag: "bulk sends",
		summary: "The WeCom mass-message tasks of a send: one per sending member, with what each still waits for",
		desc:    "Same visibility as the send.", ok: 200, okSchema: "WeComTasks"},
	{method: "POST", path: "/bulk-sends/{id}/wecom-tasks/remind", tag: "bulk sends",
		summary: "Remind the members who have not confirmed their tasks (at most three times in 24 hours)",
		desc: "The operator and admins may: a manager gets 403. 400 wecom: no task waits (nothing_waiting), or three " +
			"reminders were sent in the last 24 hours (remind_limit).", ok: 200, okSchema: "WeComReminded"},
	{method: "GET", path: "/bulk-sends/{id}/events", tag: "bulk sends", summary: "Live progress of a bulk send (Server-Sent Events)",
		desc: bulkEventsDesc, ok: 200, okMedia: []string{mediaSSE}},

	{method: "GET", path: "/notifications", tag: "notifications",
		summary: "The caller's notifications, newest first, with the unread count",
		query:   []param{pBeforeID, {"unread", "boolean", "only unread ones"}, {"limit", "integer", "page size, 1–200 (default 50)"}},
		ok:      200, okSchema: "NotificationPage"},
	{method: "POST", path: "/notifications/{id}/read", tag: "notifications",
		summary: "Mark one of the caller's notifications read (again: no change); answers the unread count",
		desc:    "404: missing, or another user's.", ok: 200, okSchema: "UnreadCount"},
	{method: "POST", path: "/notifications/read-all", tag: "notifications",
		summary: "Mark every notification of the caller read; answers how many and the unread count", ok: 200, okSchema: "UnreadCount"},
	{method: "GET", path: "/notifications/stream", tag: "notifications",
		summary: "The caller's notification events, live (Server-Sent Events)", desc: notificationStreamDesc,
		ok: 200, okMedia: []string{mediaSSE}},

	{method: "GET", path: "/me/bot-webhook", tag: "notifications", summary: "The caller's group bot; 404 when none is set",
		desc: botDesc, ok: 200, okSchema: "BotSettings", errs: []int{404}},
	{method: "PUT", path: "/me/bot-webhook", tag: "notifications", summary: "Set the caller's group bot, replacing any earlier one",
		desc: botDesc + " An empty url or secret keeps the stored one.", body: "BotInput", ok: 200, okSchema: "BotSettings"},
	{method: "DELETE", path: "/me/bot-webhook", tag: "notifications", summary: "Remove the caller's group bot",
		ok: 204, errs: []int{404}},
	{method: "POST", path: "/me/bot-webhook/test", tag: "notifications", summary: "Send a test message to the caller's group bot",
		desc: botTestDesc, ok: 200, okSchema: "BotTestResult", errs: []int{404, 502}, errSchema: map[int]string{502: "BotError"}},
	{method: "GET", path: "/settings/bot-webhook", tag: "notifications",
		summary: "The admin-wide group bot, which gets everyone's notifications (admins); 404 when none is set",
		desc:    botDesc, ok: 200, okSchema: "BotSettings", errs: []int{404}},
	{method: "PUT", path: "/settings/bot-webhook", tag: "notifications", summary: "Set the admin-wide group bot (admins)",
		desc: botDesc + " An empty url or secret keeps the stored one.", body: "BotInput", ok: 200, okSchema: "BotSettings"},
	{method: "DELETE", path: "/settings/bot-webhook", tag: "notifications", summary: "Remove the admin-wide group bot (admins)",
		ok: 204, errs: []int{404}},
	{method: "POST", path: "/settings/bot-webhook/test", tag: "notifications",
		summary: "Send a test message to the admin-wide group bot (admins)",
		desc:    botTestDesc, ok: 200, okSchema: "BotTestResult", errs: []int{404, 502}, errSchema: map[int]string{502: "BotError"}},
}

// bulkSchemas are the schemas of bulk sends, notifications and group bots.
func bulkSchemas() obj {
	mergeFields := "merge fields: {{" + strings.Join(message.Fields(), "}}, {{") + "}}"
	content := func(max int) obj {
		return obj{"type": "string", "maxLength": max, "description": mergeFields}
	}
	ids := func(desc string) obj {
		return obj{"type": "array", "items": id64(), "maxItems": bulk.MaxTicked, "description": desc}
	}
	selection := input(nil, obj{
		"contact_ids": ids("ticked contacts; leave out to select by the filter fields (not both)"),
		"q":           obj{"type": "string", "maxLength": 200, "description": "customer name or code contains"},
		"level":       obj{"type": "string", "maxLength": 32, "description": "customer level equals"},
		"industry":    obj{"type": "string", "maxLength": 100, "description": "customer industry equals"},
		"team_id":     obj{"type": "integer", "format": "int64", "nullable": true, "description": "exclusive rep in this team"},
		"rep_id":      obj{"type": "integer", "format": "int64", "nullable": true, "description": "this exclusive rep"},
		"topic_id":    obj{"type": "integer", "format": "int64", "nullable": true, "description": "the contact's last record ticked this topic"},
		"has_mobile":  typ("boolean"),
		"has_email":   typ("boolean"),
		"exclude_ids": ids("contacts to leave out of a filtered selection"),
	})
	content1 := obj{
		"title":     obj{"type": "string", "maxLength": 200},
		"topic_ids": obj{"type": "array", "items": id64(), "maxItems": maxTopics, "description": "active topics (联系主题)"},
		"summary":   obj{"type": "string", "maxLength": 5000, "description": "内容概要"},
		"sms_text":  content(1000),
		"sms_template_id": obj{"type": "integer", "format": "int64", "nullable": true,
			"description": "on an SMS channel that sends approved templates only (Aliyun, Tencent Cloud): the template (GET /sms-templates); sms_text is then ignored"},
		"sms_params":    smsParams,
		"marketing":     obj{"type": "boolean", "description": "a promotional send: only it may use a marketing template"},
		"email_subject": content(300),
		"email_body":    obj{"type": "string", "maxLength": 100000, "description": "plain text (an HTML part is derived); " + mergeFields},
		"scheduled_at":  obj{"type": "string", "format": "date-time", "nullable": true, "description": "RFC 3339; null or absent: now"},
		"recipients":    ref("BulkSelection"),
		"wecom_text": obj{"type": "string", "maxLength": 4000, "description": "a WeCom customer mass message (客户群发), the same for every " +
			"customer (no merge fields); needs WeCom connected. Each member who follows recipients gets a task to confirm in the WeCom client"},
		"wecom_attachments": obj{"type": "array", "maxItems": 9, "items": ref("WeComAttachment")},
	}
	previewIn := withOptional(input([]string{"recipients"}, content1), obj{"channels": obj{"type": "array",
		"items": enum(bulkChannels...), "description": "default: the channels with content, else sms and email"}})
	counts := object([]string{"total", "pending", "sent", "failed", "skipped", "unknown", "held", "held_until", "awaiting", "delivered", "undelivered", "no_receipt",
		"awaiting_receipt"}, obj{"total": typ("integer"),
		"awaiting":   obj{"type": "integer", "description": "of the pending: WeCom messages waiting for their sender to confirm them in the WeCom client"},
		"held":       obj{"type": "integer", "description": "of the pending: held for quiet hours, to go out when their window opens"},
		"held_until": obj{"type": "string", "format": "date-time", "nullable": true, "description": "when the first held recipients go out"},
		"pending":    obj{"type": "integer", "description": "includes those being sent"}, "sent": typ("integer"),
		"failed": typ("integer"), "skipped": typ("integer"),
		"unknown": obj{"type": "integer", "description": "of the failed: interrupted while a provider that cannot be asked " +
			"again had them; they may have arrived (reason outcome_unknown)"},
		"delivered":        obj{"type": "integer", "description": "of the sent: the provider's receipt reported delivery"},
		"undelivered":      obj{"type": "integer", "description": "of the sent: the receipt reported the message not delivered"},
		"no_receipt":       obj{"type": "integer", "description": "of the sent: no receipt came within the provider's retention"},
		"awaiting_receipt": obj{"type": "integer", "description": "of the sent through a provider with receipts: none yet"}})
	statuses := enum(model.BulkScheduled, model.BulkAwaitingApproval, model.BulkRunning, model.BulkPaused, model.BulkDone,
		model.BulkCancelled, model.BulkRejected, model.BulkExpired)
	send := object([]string{"id", "user_id", "user_name", "title", "summary", "topic_ids", "sms_text", "email_subject",
		"email_body", "selection", "channels", "status", "scheduled_at", "started_at", "finished_at", "created_at", "counts"}, obj{
		"id": id64(), "user_id": obj{"type": "integer", "format": "int64", "nullable": true, "description": "the operator"},
		"user_name": typ("string"), "title": typ("string"), "summary": typ("string"), "topic_ids": arrayOf(id64()),
		"sms_text":        obj{"type": "string", "description": "the text, or for a template the signature and the template's content"},
		"sms_template_id": obj{"type": "integer", "format": "int64", "description": "the SMS template, when the send has one"},
		"sms_params":      obj{"type": "object", "additionalProperties": typ("string"), "description": "the values the operator filled"},
		"marketing":       typ("boolean"),
		"email_subject":   typ("string"), "email_body": typ("string"),
		"wecom_text": typ("string"), "wecom_attachments": arrayOf(ref("WeComAttachment")),
		"selection":    ref("BulkSelection"),
		"channels":     arrayOf(enum(bulkChannels...)),
		"status":       statuses,
		"scheduled_at": dateTime(), "started_at": nullable(dateTime()), "finished_at": nullable(dateTime()),
		"created_at": dateTime(), "counts": ref("BulkCounts"),
		"canary_size":      obj{"type": "integer", "description": "recipients sent first, alone; 0: no canary"},
		"canary_passed_at": nullable(dateTime()),
		"pause": obj{"type": "object", "nullable": true, "description": "set while the send is paused",
			"required": []string{"reason", "at"}, "properties": obj{
				"reason":         enum(model.PauseManual, model.PauseCanary, model.PauseFailureRate, model.PauseProvider),
				"detail":         obj{"type": "string", "description": "the dominant failure reason of an automatic pause"},
				"failed_percent": obj{"type": "integer", "description": "the failure rate that paused it"},
				"at":             dateTime(), "by": obj{"type": "integer", "format": "int64", "description": "who paused it by hand"}}},
		"approval": obj{"type": "object", "nullable": true, "description": "set when the send needed approval",
			"required": []string{"state", "need"}, "properties": obj{
				"state": enum(model.ApprovalWaiting, model.ApprovalApproved, model.ApprovalRejected, model.ApprovalExpired),
				"need": obj{"type": "string", "enum": []string{model.ApprovalNeedMessages, model.ApprovalNeedCost, model.ApprovalNeedBudget},
					"description": "the limit it crossed: messages (approve_above), estimated cost (approve_cost) or the team's monthly budget"},
				"by":      obj{"type": "integer", "format": "int64", "description": "who decided"},
				"by_name": typ("string"), "at": dateTime(),
				"comment": obj{"type": "string", "description": "the approver's comment"}}},
		"estimated_messages": obj{"type": "integer", "description": "the messages to send when it was accepted, frequency caps deducted"},
		"estimated_cost":     money("the estimated cost when it was accepted, in yuan"),
	})
	reasons := append([]string{model.SkipDoNotContact, model.SkipOptedOut, model.SkipNoAddress, model.SkipDuplicate,
		model.SkipCancelled, model.SkipTemplateUnavailable, model.SkipFrequencyCap, model.SkipRejected, model.SkipApprovalExpired,
		model.SkipNoPermission, model.FailOutcomeUnknown, model.SkipNoWeCom, model.SkipWeComNotFollowed, model.SkipWeComNotFriend, model.SkipWeComMonthlyLimit,
		model.SkipWeComNotConfirmed, model.SkipWeComNotConnected, model.FailWeComRefused, model.FailWeComTaskGone}, channel.Reasons()...)
	recipient := object([]string{"id", "bulk_send_id", "contact_id", "contact_name", "customer_id", "customer_name", "channel",
		"address", "status", "reason", "reason_text", "detail", "attempts", "provider", "provider_message_id", "delivery",
		"delivery_code", "delivery_reason", "record_id", "updated_at", "held_until"}, obj{
		"id": id64(), "bulk_send_id": id64(), "contact_id": nullable(id64()), "contact_name": typ("string"),
		"customer_id": nullable(id64()), "customer_name": typ("string"), "channel": enum(bulkChannels...),
		"address": typ("string"), "status": enum(recipientStatuses...),
		"reason":      obj{"type": "string", "description": "why it failed or was skipped, empty otherwise: " + strings.Join(reasons, ", ")},
		"reason_text": obj{"type": "string", "description": "the reason in the caller's language"},
		"detail":      obj{"type": "string", "description": "the provider's own message"},
		"attempts":    typ("integer"), "provider": typ("string"), "provider_message_id": typ("string"),
		"delivery": obj{"type": "string", "enum": []string{"", model.DeliveryDelivered, model.DeliveryUndelivered, model.DeliveryNoReceipt},
			"description": "a sent recipient's delivery state from its receipt; empty: none yet, or none expected"},
		"delivery_code":   obj{"type": "string", "description": "the provider's code of an undelivered message (MK:0001…)"},
		"delivery_reason": obj{"type": "string", "description": "what delivery_code means: " + strings.Join(model.DeliveryReasons, ", ")},
		"record_id":       obj{"type": "integer", "format": "int64", "nullable": true, "description": "the contact record written when sent"},
		"updated_at":      dateTime(),
		"held_until":      obj{"type": "string", "format": "date-time", "nullable": true, "description": "a pending recipient held for quiet hours goes out then"},
	})
	sampleRecipient := object([]string{"contact_id", "contact_name", "customer_id", "customer_name", "address"}, obj{
		"contact_id": nullable(id64()), "contact_name": typ("string"), "customer_id": nullable(id64()),
		"customer_name": typ("string"), "address": typ("string")})
	skipped := object([]string{model.SkipDoNotContact, model.SkipOptedOut, model.SkipNoAddress, model.SkipDuplicate,
		model.SkipFrequencyCap}, obj{
		model.SkipDoNotContact: typ("integer"), model.SkipOptedOut: typ("integer"), model.SkipNoAddress: typ("integer"),
		model.SkipDuplicate:        typ("integer"),
		model.SkipFrequencyCap:     obj{"type": "integer", "description": "over a frequency cap at the send's time"},
		model.SkipNoWeCom:          obj{"type": "integer", "description": "WeCom: the contact has no WeChat known to WeCom"},
		model.SkipWeComNotFollowed: obj{"type": "integer", "description": "WeCom: no member follows the contact's WeChat"},
		model.SkipWeComMonthlyLimit: obj{"type": "integer",
			"description": "WeCom: the contact has had this month's share of mass messages (counted from Touchbase's sends)"}})
	notification := object([]string{"id", "user_id", "kind", "title", "body", "link", "data", "read_at", "created_at"}, obj{
		"id": id64(), "user_id": id64(),
		"kind": obj{"type": "string", "description": strings.Join([]string{model.NotifyBulkFinished, model.NotifyBulkCancelled, model.NotifyBulkReceipts, model.NotifyBulkPaused, model.NotifyWeComTask, model.NotifyWeComUnsent,
			model.NotifyBulkApproval, model.NotifyBulkDecided, model.NotifyPlanReminder, model.NotifyPlanReassign, model.NotifySystem}, ", ")},
		"title": obj{"type": "string", "description": "in the user's language"}, "body": typ("string"),
		"link":    obj{"type": "string", "description": "a path in the web UI, or empty"},
		"data":    obj{"type": "object", "description": "the facts behind the text (ids, counts), for clients that render their own"},
		"read_at": nullable(dateTime()), "created_at": dateTime()})
	bots := enum(model.BotWeCom, model.BotDingTalk, model.BotFeishu)
	return obj{
		"BulkSelection":    selection,
		"BulkSendInput":    input([]string{"title", "recipients"}, content1),
		"BulkPreviewInput": previewIn,
		"BulkCounts":       counts,
		"BulkSend":         send,
		"BulkSendPage": object([]string{"items", "next_before_id"}, obj{"items": arrayOf(ref("BulkSend")),
			"next_before_id": obj{"type": "integer", "format": "int64", "nullable": true,
				"description": "pass as before_id for the next page; null when this page was not full"}}),
		"BulkRetry": object(nil, obj{"include_unknown": obj{"type": "boolean", "default": false,
			"description": "also send again to the recipients whose outcome is unknown, who may receive the message twice"}}),
		"BulkDecision": object(nil, obj{"comment": obj{"type": "string", "maxLength": 500,
			"description": "the approver's comment, told to the operator; required to reject"}}),
		"BulkPreview": object([]string{"channels", "sms", "email", "errors", "messages", "estimated_cost", "unpriced",
			"needs_confirmation", "needs_approval", "team_budget", "daily_limit"}, obj{
			"daily_limit": obj{"type": "object", "nullable": true,
				"description": "the caller's daily limit of bulk messages (rep_daily_limit), when one applies; over: creating this send is refused (400 recipients, daily_limit)",
				"required":    []string{"limit", "used", "over"}, "properties": obj{"limit": typ("integer"),
					"used": obj{"type": "integer", "description": "messages of the caller's bulk sends today (company time)"}, "over": typ("boolean")}},
			"channels": arrayOf(object([]string{"channel", "provider", "total", "send", "skipped", "skipped_by_reason", "held",
				"held_until", "units", "unit_price", "cost"}, obj{
				"channel": enum(bulkChannels...), "provider": typ("string"), "total": typ("integer"),
				"send":    obj{"type": "integer", "description": "recipients that will be sent to"},
				"skipped": typ("integer"), "skipped_by_reason": skipped,
				"held":       obj{"type": "integer", "description": "of those to send, in the company's time zone: held for quiet hours"},
				"held_until": obj{"type": "string", "format": "date-time", "nullable": true, "description": "when the held go out"},
				"units":      obj{"type": "integer", "description": "what the provider bills: SMS segments (from the sample's length), e-mails"},
				"unit_price": obj{"type": "string", "nullable": true, "description": "price of one unit in yuan; null: no price set"},
				"cost":       money("units × unit_price")})),
			"messages":           obj{"type": "integer", "description": "messages to send, every channel"},
			"estimated_cost":     money("of the channels with a price"),
			"unpriced":           obj{"type": "boolean", "description": "a channel that sends has no price: the cost leaves it out"},
			"needs_confirmation": obj{"type": "boolean", "description": "more messages than confirm_above, or every visible contact: the web UI asks to confirm"},
			"team_budget": obj{"type": "object", "nullable": true, "description": "the caller's team's budget of this month, when it has one",
				"required": []string{"team", "budget", "spent"}, "properties": obj{"team": typ("string"),
					"budget": money("the monthly budget"), "spent": money("what the team's sends of the month cost so far")}},
			"needs_approval": obj{"type": "string", "enum": []string{"", model.ApprovalNeedMessages, model.ApprovalNeedCost, model.ApprovalNeedBudget},
				"description": "the send would wait for approval, because of its messages or its cost; empty: it would not"},
			"sms": nullable(object([]string{"recipient", "text", "encoding", "chars", "segments"}, obj{
				"recipient": sampleRecipient, "text": typ("string"), "encoding": enum(message.EncodingGSM7, message.EncodingUCS2),
				"chars":    obj{"type": "integer", "description": "length in the encoding's units"},
				"segments": obj{"type": "integer", "description": "SMS parts for this recipient (GSM-7 160/153, UCS-2 70/67)"}})),
			"email": nullable(object([]string{"recipient", "subject", "body"}, obj{"recipient": sampleRecipient,
				"subject": typ("string"), "body": typ("string")})),
			"errors": arrayOf(ref("FieldError")),
		}),
		"BulkRecipient": recipient,
		"WeComAttachment": input([]string{"kind", "url"}, obj{"kind": enum(model.WeComLink, model.WeComImage),
			"title":   obj{"type": "string", "maxLength": 128, "description": "a link's title (required for a link)"},
			"url":     obj{"type": "string", "maxLength": 2048, "description": "the link, or the picture's address (http or https)"},
			"desc":    obj{"type": "string", "maxLength": 512, "description": "a link's description"},
			"pic_url": obj{"type": "string", "maxLength": 2048, "description": "a link card's picture"}}),
		"WeComTask": object([]string{"id", "sender", "sender_name", "state", "receivers", "waiting", "created_at", "deadline", "confirmed_at"}, obj{
			"id": id64(), "bulk_send_id": id64(), "sender": obj{"type": "string", "description": "the member's WeCom userid"},
			"sender_name": typ("string"), "user_id": obj{"type": "integer", "format": "int64", "nullable": true, "description": "the user that member is"},
			"msgid": obj{"type": "string", "description": "WeCom's id of the task"},
			"state": enum(model.WeComTaskCreating, model.WeComTaskWaiting, model.WeComTaskSent, model.WeComTaskCancelled,
				model.WeComTaskExpired, model.WeComTaskFailed, model.WeComTaskUnknown),
			"receivers": typ("integer"), "waiting": obj{"type": "integer", "description": "receivers still waiting"},
			"created_at": dateTime(), "deadline": obj{"type": "string", "format": "date-time",
				"description": "unconfirmed by then, the task is withdrawn and its receivers skipped (wecom_not_confirmed)"},
			"confirmed_at": nullable(dateTime())}),
		"WeComTasks": object([]string{"tasks", "reminders_left"}, obj{"tasks": arrayOf(ref("WeComTask")),
			"reminders_left": obj{"type": "integer", "description": "reminders the send may still give today (WeCom allows three a day)"}}),
		"WeComReminded": object([]string{"reminded", "reminders_left"}, obj{
			"reminded":       obj{"type": "integer", "description": "members reminded"},
			"reminders_left": typ("integer")}),
		"BulkRecipientPage": object([]string{"items", "next_after_id"}, obj{"items": arrayOf(ref("BulkRecipient")),
			"next_after_id": obj{"type": "integer", "format": "int64", "nullable": true,
				"description": "pass as after_id for the next page; null when this page was not full"}}),
		"BulkRetryResult": object([]string{"requeued", "bulk_send"}, obj{
			"requeued": obj{"type": "integer", "description": "failed recipients queued again"}, "bulk_send": ref("BulkSend")}),
		"BulkProgress": object([]string{"id", "status", "counts", "scheduled_at", "started_at", "finished_at"}, obj{
			"id": id64(), "status": statuses, "counts": ref("BulkCounts"), "scheduled_at": dateTime(),
			"started_at": nullable(dateTime()), "finished_at": nullable(dateTime())}),

		"Notification": notification,
		"NotificationPage": object([]string{"items", "unread", "next_before_id"}, obj{"items": arrayOf(ref("Notification")),
			"unread": obj{"type": "integer", "description": "the caller's unread notifications, all pages"},
			"next_before_id": obj{"type": "integer", "format": "int64", "nullable": true,
				"description": "pass as before_id for the next page; null when this page was not full"}}),
		"UnreadCount": object([]string{"unread"}, obj{"unread": typ("integer"),
			"marked": obj{"type": "integer", "description": "read-all: how many it marked"}}),
		"NotificationEvent": object([]string{"type", "unread"}, obj{"type": enum("created", "read"),
			"notification": ref("Notification"),
			"unread":       obj{"type": "integer", "description": "the unread count after the change; -1 when it could not be read"}}),

		"BotSettings": object([]string{"admin_wide", "provider", "url_hint", "has_secret", "enabled", "updated_at"}, obj{
			"admin_wide": typ("boolean"), "provider": bots,
			"url_hint":   obj{"type": "string", "description": "the URL with its access key masked"},
			"has_secret": obj{"type": "boolean", "description": "a signing secret is stored (DingTalk, Feishu)"},
			"enabled":    typ("boolean"), "updated_at": dateTime()}),
		"BotInput": input([]string{"provider"}, obj{"provider": bots,
			"url": obj{"type": "string", "maxLength": 1000, "description": "the vendor's webhook URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…, " +
				"https://oapi.dingtalk.com/robot/send?access_token=…, https://open.feishu.cn/open-apis/bot/v2/hook/…); empty keeps the stored one"},
			"secret":       obj{"type": "string", "maxLength": 200, "description": "signing secret (DingTalk, Feishu); empty keeps the stored one"},
			"clear_secret": obj{"type": "boolean", "description": "remove the stored secret"},
			"enabled":      obj{"type": "boolean", "default": true}}),
		"BotTestResult": object([]string{"provider"}, obj{"provider": bots}),
		"BotError": object([]string{"error"}, obj{"error": object(
			[]string{"code", "message", "provider", "status", "vendor_code", "detail", "transient"}, obj{
				"code": enum("bot_failed"), "message": typ("string"), "provider": typ("string"),
				"status":      obj{"type": "integer", "description": "the bot's HTTP status, 0 when it could not be reached"},
				"vendor_code": obj{"type": "integer", "description": "the vendor's error code, 0 when none"},
				"detail":      obj{"type": "string", "description": "the vendor's error message"},
				"transient":   obj{"type": "boolean", "description": "trying again later may succeed"}})}),
	}
}

// money is an amount in yuan, written as a decimal string.
func money(desc string) obj {
	return obj{"type": "string", "pattern": `^-?[0-9]+\.[0-9]+$`, "description": desc + " (a decimal string, e.g. \"12.35\")"}
}
