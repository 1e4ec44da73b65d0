package api

import (
	"strings"

	"touchbase/internal/channel"
	"touchbase/internal/message"
	"touchbase/internal/model"
)

// recordSchemas are the schemas of single contact, records, channels and
// the outbox.
func recordSchemas() obj {
	mergeFields := "merge fields: {{" + strings.Join(message.Fields(), "}}, {{") + "}}"
	content := func(max int) obj {
		return obj{"type": "string", "maxLength": max, "description": mergeFields}
	}
	singleInput := input([]string{"title"}, obj{
		"title":     obj{"type": "string", "maxLength": 200},
		"topic_ids": obj{"type": "array", "items": id64(), "maxItems": maxTopics, "description": "active topics (联系主题)"},
		"summary":   obj{"type": "string", "maxLength": 5000, "description": "内容概要"},
		"plan_id":   obj{"type": "integer", "format": "int64", "nullable": true, "description": "the contact plan this completes; the records' source becomes plan"},
		"sms": obj{"type": "object", "nullable": true, "additionalProperties": false,
			"description": "send an SMS to the contact's mobile: text on a free-text channel; on a channel that sends approved templates only (Aliyun, Tencent Cloud) template_id and params",
			"properties": obj{"text": content(1000),
				"template_id": obj{"type": "integer", "format": "int64", "nullable": true, "description": "an approved template of the SMS channel (GET /sms-templates)"},
				"params":      smsParams,
				"marketing":   obj{"type": "boolean", "description": "a promotional message: only it may use a marketing template"}}},
		"email": obj{"type": "object", "nullable": true, "additionalProperties": false, "required": []string{"subject", "body"},
			"description": "send an e-mail (plain text; an HTML part is derived)",
			"properties":  obj{"subject": content(300), "body": content(100000)}},
		"wecom": obj{"type": "object", "nullable": true, "additionalProperties": false,
			"description": "send a WeCom message from the caller's own WeCom member to the contact's WeChat: it goes as a customer mass-message task with this one receiver, which WeCom sends only once the caller confirms it in the WeCom client (the result is awaiting until then, and its record is written when it goes). 400 on wecom: not_connected, no_member (the caller has no WeCom member), no_wecom (the contact has no WeChat identity), not_followed (the caller is not its friend), monthly_limit",
			"properties": obj{"text": content(model.MaxWeComTextBytes),
				"attachments": obj{"type": "array", "maxItems": model.MaxWeComAttachments, "items": ref("WeComAttachment")}}},
		"quiet_hours_override": obj{"type": "string", "maxLength": 200,
			"description": "the reason to send although the recipient is in quiet hours (see the preview's quiet_hours); kept on the record. Without it such a send is a 400 on this field"},
	})
	channelResult := object([]string{"channel", "status", "address", "provider", "provider_message_id", "record_id",
		"delivery_id", "reason", "reason_text", "detail", "transient", "deadline"}, obj{
		"channel": enum("sms", "email", model.ChannelWeCom),
		"status": obj{"type": "string", "enum": []string{model.DeliverySent, model.DeliveryFailed, model.DeliveryConfirming},
			"description": "awaiting: a WeCom message waiting for the sender to confirm it in the WeCom client"},
		"deadline": obj{"type": "string", "format": "date-time", "nullable": true,
			"description": "for an awaiting WeCom message: when it is withdrawn if still unconfirmed"},
		"address": typ("string"), "provider": typ("string"), "provider_message_id": typ("string"),
		"record_id":   obj{"type": "integer", "format": "int64", "nullable": true, "description": "the record written; null when failed"},
		"delivery_id": obj{"type": "integer", "format": "int64", "description": "the delivery log entry, kept either way"},
		"reason":      obj{"type": "string", "description": "failure reason code, empty when sent: " + strings.Join(channel.Reasons(), ", ")},
		"reason_text": obj{"type": "string", "description": "the reason in the caller's language"},
		"detail":      obj{"type": "string", "description": "the provider's own message"},
		"transient":   obj{"type": "boolean", "description": "trying again later may succeed"},
	})
	record := object([]string{"id", "customer_id", "customer_name", "contact_id", "contact_name", "user_id", "user_name",
		"channel", "source", "direction", "status", "title", "summary", "subject", "content", "address", "provider", "provider_message_id",
		"delivery_code", "delivery_reason", "receipt_at", "bulk_send_id", "plan_id", "topic_ids", "contacted_at", "created_at",
		"quiet_override"}, obj{
		"id": id64(), "customer_id": id64(), "customer_name": typ("string"), "contact_id": nullable(id64()),
		"contact_name": typ("string"), "user_id": nullable(id64()), "user_name": typ("string"),
		"channel": enum(recordChannels...), "source": enum(model.Sources...),
		"direction": obj{"type": "string", "enum": model.Directions,
			"description": "outbound: we contacted the customer; inbound: the customer contacted us (source inbound: an unsubscribe, a reply)"},
		"status": enum(recordStatuses...),
		"title":  typ("string"), "summary": typ("string"), "subject": typ("string"), "content": typ("string"),
		"address": typ("string"), "provider": typ("string"), "provider_message_id": typ("string"),
		"delivery_code":   obj{"type": "string", "description": "the provider's code of an undelivered message (MK:0001…)"},
		"delivery_reason": obj{"type": "string", "description": "what delivery_code means, for status undelivered: " + strings.Join(model.DeliveryReasons, ", ")},
		"receipt_at":      obj{"type": "string", "format": "date-time", "nullable": true, "description": "when the delivery receipt was applied"},
		"bulk_send_id":    nullable(id64()), "plan_id": nullable(id64()), "topic_ids": arrayOf(id64()),
		"contacted_at": dateTime(), "created_at": dateTime(),
		"quiet_override": obj{"type": "string", "description": "why a single contact was sent inside its recipient's quiet hours; empty otherwise"},
	})
	setting := object([]string{"kind", "provider", "config", "rate_limit", "is_outbox"}, obj{
		"kind": enum("sms", "email"), "provider": typ("string"),
		"config":     obj{"type": "object", "description": "the provider's fields, secrets emptied"},
		"rate_limit": obj{"type": "integer", "description": "messages per second, 0 for no limit"},
		"is_outbox":  typ("boolean"),
	})
	outboxMsg := object([]string{"id", "kind", "to", "subject", "body", "html", "ref", "created_at"}, obj{
		"id": id64(), "kind": typ("string"), "to": typ("string"), "subject": typ("string"), "body": typ("string"),
		"html": typ("string"), "ref": obj{"type": "string", "description": "the delivery it belongs to"}, "created_at": dateTime(),
	})
	providers := append([]string{"outbox"}, channel.Providers()...)
	return obj{
		"SingleContactInput": singleInput,
		"ChannelResult":      channelResult,
		"SingleContactResult": object([]string{"results", "sent", "failed", "awaiting"}, obj{"results": arrayOf(ref("ChannelResult")),
			"sent": typ("integer"), "failed": typ("integer"), "awaiting": typ("integer")}),
		"SingleContactPreview": object([]string{"sms", "email", "wecom", "errors", "quiet_hours"}, obj{
			"wecom": nullable(object([]string{"text"}, obj{"text": typ("string")})),
			"quiet_hours": arrayOf(object([]string{"channel", "local_time", "until"}, obj{"channel": enum("sms", "email"),
				"local_time": obj{"type": "string", "format": "date-time", "description": "the recipient's time now, in their zone"},
				"until":      obj{"type": "string", "format": "date-time", "description": "when their window opens"}})),
			"sms": nullable(object([]string{"text", "encoding", "chars", "segments"}, obj{"text": typ("string"),
				"encoding": enum(message.EncodingGSM7, message.EncodingUCS2),
				"chars":    obj{"type": "integer", "description": "length in the encoding's units"},
				"segments": obj{"type": "integer", "description": "SMS parts (GSM-7 160/153, UCS-2 70/67)"}})),
			"email":  nullable(object([]string{"subject", "body"}, obj{"subject": typ("string"), "body": typ("string")})),
			"errors": arrayOf(ref("FieldError")),
		}),

		"Delivery": object([]string{"id", "channel", "status", "address", "provider", "provider_message_id", "customer_id",
			"contact_id", "record_id", "reason", "reason_text", "deadline", "created_at", "updated_at"}, obj{
			"id": id64(), "channel": enum("sms", "email", model.ChannelWeCom),
			"status":  enum(model.DeliverySending, model.DeliveryConfirming, model.DeliverySent, model.DeliveryFailed),
			"address": typ("string"), "provider": typ("string"), "provider_message_id": typ("string"),
			"customer_id": nullable(id64()), "contact_id": nullable(id64()),
			"record_id": obj{"type": "integer", "format": "int64", "nullable": true, "description": "the record written once it went"},
			"reason":    typ("string"), "reason_text": obj{"type": "string", "description": "the reason in the caller's language"},
			"deadline":   obj{"type": "string", "format": "date-time", "nullable": true, "description": "a WeCom message: when it is withdrawn if unconfirmed"},
			"created_at": dateTime(), "updated_at": dateTime()}),
		"Record": record,
		"RecordPage": object([]string{"items", "next_cursor"}, obj{"items": arrayOf(ref("Record")),
			"next_cursor": obj{"type": "string", "nullable": true, "description": "pass as cursor for the next page; null on the last"}}),
		"ManualRecordInput": input([]string{"contact_id", "channel", "contacted_at", "title"}, obj{
			"contact_id":   id64(),
			"channel":      enum(model.ManualChannels...),
			"contacted_at": obj{"type": "string", "format": "date-time", "description": "RFC 3339, not in the future"},
			"title":        obj{"type": "string", "maxLength": 200},
			"topic_ids":    obj{"type": "array", "items": id64(), "maxItems": maxTopics},
			"summary":      obj{"type": "string", "maxLength": 5000},
			"plan_id":      nullable(id64()),
		}),

		"Channel":     setting,
		"ChannelList": listSchema("Channel"),
		"ChannelInput": input([]string{"provider"}, obj{
			"provider":   enum(providers...),
			"config":     obj{"type": "object", "description": "the provider's fields; empty secrets keep the stored ones"},
			"rate_limit": obj{"type": "integer", "minimum": 0, "maximum": 100000, "description": "messages per second, 0 for no limit"},
		}),
		"ChannelTestInput": input([]string{"to"}, obj{"to": obj{"type": "string",
			"description": "a mobile number (any common notation) for sms, an e-mail address for email"}}),
		"ChannelTestResult": object([]string{"provider", "provider_message_id"}, obj{"provider": typ("string"),
			"provider_message_id": typ("string")}),
		"ProviderError": object([]string{"error"}, obj{"error": object(
			[]string{"code", "message", "provider", "reason", "reason_text", "detail", "transient"}, obj{
				"code": enum("provider_failed"), "message": typ("string"), "provider": typ("string"),
				"reason":      obj{"type": "string", "description": strings.Join(channel.Reasons(), ", ")},
				"reason_text": typ("string"), "detail": typ("string"), "transient": typ("boolean")})}),

		"OutboxMessage": outboxMsg,
		"OutboxPage": object([]string{"items", "next_before_id"}, obj{"items": arrayOf(ref("OutboxMessage")),
			"next_before_id": obj{"type": "integer", "format": "int64", "nullable": true,
				"description": "pass as before_id for the next page; null when this page was not full"}}),
	}
}
