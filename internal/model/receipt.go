package model

import "time"

// Delivery states of a sent message, from its delivery receipt (状态报告):
// a sent record's status and a sent recipient's delivery move on to one
// of them. A recipient whose delivery is empty awaits its receipt.
const (
	DeliveryDelivered   = "delivered"
	DeliveryUndelivered = "undelivered"
	DeliveryNoReceipt   = "no_receipt"
	// DeliveryAwaiting names, in filters, sent recipients still awaiting
	// a receipt (their delivery is empty).
	DeliveryAwaiting = "awaiting_receipt"
)

// Record statuses set by receipts (RecordDelivered is the third).
const (
	RecordUndelivered = "undelivered" // the provider reported the message not delivered
	RecordNoReceipt   = "no_receipt"  // no receipt came within the provider's retention
)

// Receipt states.
const (
	ReceiptPending = "pending" // not matched yet (it came before its message was settled)
	ReceiptMatched = "matched"
	ReceiptUnknown = "unknown" // never matched; kept for audit
)

// ReceiptProviders are the providers whose messages get receipts: their
// sent messages await one, and become no_receipt when none comes.
var ReceiptProviders = []string{"aliyun", "tencent", "twilio"}

// Receipt is one delivery receipt as a provider reported it.
type Receipt struct {
	ID       int64  `json:"id"`
	Provider string `json:"provider"`
	// ProviderMessageID is the provider's id of the message: Aliyun BizId
	// (shared by every number of one call), Tencent SerialNo, Twilio SID,
	// the webhook receiver's id.
	ProviderMessageID string `json:"provider_message_id"`
	// Ref is our reference when the provider carried it: "b" + recipient
	// id for bulk sends, "d" + delivery id for single ones.
	Ref string `json:"ref"`
	// Address is the number the receipt is about, as the provider wrote it.
	Address string `json:"address"`
	// Status is DeliveryDelivered or DeliveryUndelivered.
	Status string `json:"status"`
	// Code is the provider's status code (DELIVERED, MK:0001…).
	Code         string     `json:"code"`
	ProviderTime *time.Time `json:"provider_time"`
	ReceivedAt   time.Time  `json:"received_at"`
	State        string     `json:"state"`
	RecordID     *int64     `json:"record_id"`
	RecipientID  *int64     `json:"recipient_id"`
	DeliveryID   *int64     `json:"delivery_id"`
}
