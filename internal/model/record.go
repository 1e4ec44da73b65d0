package model

import "time"

// Record channels: how a contact happened.
const (
	ChannelSMS    = "sms"
	ChannelEmail  = "email"
	ChannelPhone  = "phone"
	ChannelVisit  = "visit"
	ChannelWeChat = "wechat"
	ChannelWeCom  = "wecom"
	ChannelOther  = "other"
)

// ManualChannels are the channels a rep may record by hand.
var ManualChannels = []string{ChannelPhone, ChannelVisit, ChannelWeChat, ChannelEmail, ChannelSMS, ChannelOther}

// Record sources: what created a record.
const (
	SourceManual = "manual"
	SourceSingle = "single"
	SourceBulk   = "bulk"
	SourcePlan   = "plan"
	// SourceInbound is a message the customer sent us: an unsubscribe,
	// an SMS reply.
	SourceInbound = "inbound"
)

// Sources lists every record source.
var Sources = []string{SourceManual, SourceSingle, SourceBulk, SourcePlan, SourceInbound}

// Record directions: who the contact came from.
const (
	DirectionOutbound = "outbound" // we contacted the customer
	DirectionInbound  = "inbound"  // the customer contacted us
)

// Directions lists every record direction.
var Directions = []string{DirectionOutbound, DirectionInbound}

// Record statuses.
const (
	RecordDone      = "done"      // a manual record of a contact that happened
	RecordSent      = "sent"      // the provider accepted the message
	RecordDelivered = "delivered" // the provider reported delivery
)

// Record is one contact with a customer's contact (联系记录).
type Record struct {
	ID           int64  `json:"id"`
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	ContactID    *int64 `json:"contact_id"`
	ContactName  string `json:"contact_name"`
	UserID       *int64 `json:"user_id"`
	UserName     string `json:"user_name"`
	Channel      string `json:"channel"`
	Source       string `json:"source"`
	Direction    string `json:"direction"` // DirectionOutbound when empty on create
	Status       string `json:"status"`
	Title        string `json:"title"`
	Summary      string `json:"summary"`
	// QuietOverride is why a single contact was sent inside its
	// recipient's quiet hours ("" when it was not).
	QuietOverride     string `json:"quiet_override"`
	Subject           string `json:"subject"`
	Content           string `json:"content"`
	Address           string `json:"address"`
	Provider          string `json:"provider"`
	ProviderMessageID string `json:"provider_message_id"`
	// DeliveryCode is the provider's code of an undelivered message and
	// DeliveryReason what it means (a reason key); ReceiptAt is when its
	// receipt was applied.
	DeliveryCode   string     `json:"delivery_code"`
	DeliveryReason string     `json:"delivery_reason"`
	ReceiptAt      *time.Time `json:"receipt_at"`
	BulkSendID     *int64     `json:"bulk_send_id"`
	PlanID         *int64     `json:"plan_id"`
	TopicIDs       []int64    `json:"topic_ids"`
	ContactedAt    time.Time  `json:"contacted_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Plan statuses.
const (
	PlanOpen      = "open"
	PlanDone      = "done"      // completed by a contact record
	PlanCancelled = "cancelled" // withdrawn before it was due
	PlanClosed    = "closed"    // not done, closed with a reason
)

// Plan is a planned contact (联系计划) of one occurrence.
type Plan struct {
	ID            int64      `json:"id"`
	OwnerID       int64      `json:"owner_id"`
	OwnerName     string     `json:"owner_name"`
	CreatedBy     *int64     `json:"created_by"`
	CustomerID    int64      `json:"customer_id"`
	CustomerName  string     `json:"customer_name"`
	ContactID     *int64     `json:"contact_id"`
	ContactName   string     `json:"contact_name"`
	Title         string     `json:"title"`
	Notes         string     `json:"notes"`
	TopicIDs      []int64    `json:"topic_ids"`
	DueAt         time.Time  `json:"due_at"`
	RemindMinutes *int       `json:"remind_minutes"` // nil: no reminder; 0: at due time
	RemindEmail   bool       `json:"remind_email"`   // the reminder is also e-mailed to the owner
	Recurrence    string     `json:"recurrence"`     // JSON rule, "" for none
	SeriesID      int64      `json:"series_id"`
	Occurrence    int        `json:"occurrence"`
	Status        string     `json:"status"`
	CloseReason   string     `json:"close_reason"`
	RecordID      *int64     `json:"record_id"`
	CompletedAt   *time.Time `json:"completed_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// RemindAt is when the reminder of the plan fires, if it has one.
func (p *Plan) RemindAt() (time.Time, bool) {
	if p.RemindMinutes == nil {
		return time.Time{}, false
	}
	return p.DueAt.Add(-time.Duration(*p.RemindMinutes) * time.Minute), true
}
