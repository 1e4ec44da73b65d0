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
)

// Sources lists every record source.
var Sources = []string{SourceManual, SourceSingle, SourceBulk, SourcePlan}

// Record statuses.
const (
	RecordDone      = "done"      // a manual record of a contact that happened
	RecordSent      = "sent"      // the provider accepted the message
	RecordDelivered = "delivered" // the provider reported delivery
)

// Record is one contact with a customer's contact (联系记录).
type Record struct {
	ID                int64     `json:"id"`
	CustomerID        int64     `json:"customer_id"`
	CustomerName      string    `json:"customer_name"`
	ContactID         *int64    `json:"contact_id"`
	ContactName       string    `json:"contact_name"`
	UserID            *int64    `json:"user_id"`
	UserName          string    `json:"user_name"`
	Channel           string    `json:"channel"`
	Source            string    `json:"source"`
	Status            string    `json:"status"`
	Title             string    `json:"title"`
	Summary           string    `json:"summary"`
	Subject           string    `json:"subject"`
	Content           string    `json:"content"`
	Address           string    `json:"address"`
	Provider          string    `json:"provider"`
	ProviderMessageID string    `json:"provider_message_id"`
	BulkSendID        *int64    `json:"bulk_send_id"`
	PlanID            *int64    `json:"plan_id"`
	TopicIDs          []int64   `json:"topic_ids"`
	ContactedAt       time.Time `json:"contacted_at"`
	CreatedAt         time.Time `json:"created_at"`
}
