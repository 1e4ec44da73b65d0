package model

import "strings"

// Reasons a message was not delivered, as a rep understands them; each is
// a message catalogue key "delivery_reason.<reason>".
const (
	DeliveryReasonEmptyNumber     = "empty_number"     // 空号
	DeliveryReasonSuspended       = "suspended"        // 停机
	DeliveryReasonPoweredOff      = "powered_off"      // 关机
	DeliveryReasonUnreachable     = "unreachable"      // 停机或关机 (the carrier does not say which)
	DeliveryReasonBlocked         = "blocked"          // 拦截/黑名单
	DeliveryReasonRateLimited     = "rate_limited"     // 超频
	DeliveryReasonContentRejected = "content_rejected" // 内容违规
	DeliveryReasonExpired         = "expired"          // 过期未送达
	DeliveryReasonUnknown         = "unknown"
)

// DeliveryReasons lists every delivery reason.
var DeliveryReasons = []string{DeliveryReasonEmptyNumber, DeliveryReasonSuspended, DeliveryReasonPoweredOff,
	DeliveryReasonUnreachable, DeliveryReasonBlocked, DeliveryReasonRateLimited, DeliveryReasonContentRejected,
	DeliveryReasonExpired, DeliveryReasonUnknown}

// carrierReasons maps the carriers' status-report codes, which Aliyun
// (err_code) and Tencent Cloud (errmsg) both pass on, to reasons. The
// meanings are those of Tencent Cloud's table of status-report error
// codes (短信状态报告错误码). Codes documented as "invalid number,
// out-of-service or powered-off" are not listed: they are unknown here,
// since the carrier does not say which.
var carrierReasons = map[string]string{
	// Invalid number, unknown to the HLR.
	"MK:0000": DeliveryReasonEmptyNumber, "MK:0001": DeliveryReasonEmptyNumber, "MK:0012": DeliveryReasonEmptyNumber,
	"MK00001": DeliveryReasonEmptyNumber, "ERR_NUM": DeliveryReasonEmptyNumber,
	// SMS barred for the subscriber.
	"MK:0005": DeliveryReasonSuspended,
	// Powered off.
	"MK:0024": DeliveryReasonPoweredOff,
	// Out of service or powered off.
	"IC:0001": DeliveryReasonUnreachable, "MI:0024": DeliveryReasonUnreachable, "MI:0029": DeliveryReasonUnreachable,
	"MK:0004": DeliveryReasonUnreachable,
	// Blacklists: carrier complaint lists, the unsubscribe list, gateway lists.
	"DB:0141": DeliveryReasonBlocked, "DB:0144": DeliveryReasonBlocked, "DB:0164": DeliveryReasonBlocked,
	"MB:1077": DeliveryReasonBlocked, "MX:0011": DeliveryReasonBlocked, "MX:0012": DeliveryReasonBlocked,
	"BWLIST": DeliveryReasonBlocked, "TD:0001": DeliveryReasonBlocked, "TD:19": DeliveryReasonBlocked, "HD:19": DeliveryReasonBlocked,
	// Too many messages to the number in a day / waiting at the SMSC.
	"MX:0003": DeliveryReasonRateLimited, "TE:0003": DeliveryReasonRateLimited, "MB:1042": DeliveryReasonRateLimited,
	// Expired unanswered at the SMSC.
	"EXPIRED": DeliveryReasonExpired,
}

// twilioReasons maps the ErrorCode of Twilio's undelivered and failed
// status callbacks (https://www.twilio.com/docs/api/errors).
var twilioReasons = map[string]string{
	"30003": DeliveryReasonUnreachable,     // Unreachable destination handset
	"30004": DeliveryReasonBlocked,         // Message blocked
	"30005": DeliveryReasonEmptyNumber,     // Unknown destination handset
	"30006": DeliveryReasonEmptyNumber,     // Landline or unreachable carrier
	"30007": DeliveryReasonContentRejected, // Message filtered (carrier violation)
	"21610": DeliveryReasonBlocked,         // The recipient replied STOP
}

// DeliveryReason returns the reason of an undelivered message from the
// provider's code; codes it does not know are DeliveryReasonUnknown. Of
// content refusals the carriers' receipts document no stable code; the
// webhook receiver may name any reason itself.
func DeliveryReason(provider, code string) string {
	code = strings.TrimSpace(code)
	switch provider {
	case "twilio":
		if r, ok := twilioReasons[code]; ok {
			return r
		}
	case "webhook":
		for _, r := range DeliveryReasons {
			if r == code {
				return r
			}
		}
	default:
		if r, ok := carrierReasons[strings.ToUpper(strings.ReplaceAll(code, " ", ""))]; ok {
			return r
		}
	}
	return DeliveryReasonUnknown
}
