package model

import "time"

// Delivery statuses of one message of a single contact.
const (
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	// DeliveryConfirming is a WeCom message created in the WeCom client
	// that waits for its member to confirm it: WeCom has not sent it yet.
	DeliveryConfirming = "awaiting"
)

// Delivery is one attempt to send one message to one address: the delivery
// log behind single contacts, kept whether it succeeded or not.
type Delivery struct {
	ID                int64     `json:"id"`
	Kind              string    `json:"kind"`
	Provider          string    `json:"provider"`
	Address           string    `json:"address"`
	CustomerID        *int64    `json:"customer_id"`
	ContactID         *int64    `json:"contact_id"`
	UserID            *int64    `json:"user_id"`
	Subject           string    `json:"subject"`
	Body              string    `json:"body"`
	Status            string    `json:"status"`
	Reason            string    `json:"reason"`
	Detail            string    `json:"detail"`
	ProviderMessageID string    `json:"provider_message_id"`
	RecordID          *int64    `json:"record_id"`
	Attempts          int       `json:"attempts"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	// Sender is the WeCom member who is to confirm a WeCom message, and
	// Deadline the time after which an unconfirmed one is withdrawn.
	Sender   string     `json:"sender,omitempty"`
	Deadline *time.Time `json:"deadline,omitempty"`
	// Pending is the record a WeCom message writes once it is sent (JSON,
	// the record service's own), kept with it until then.
	Pending string `json:"-"`
}

// OutboxMessage is a message kept by the built-in outbox channel instead of
// being sent: the zero-config default until a provider is configured.
type OutboxMessage struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	HTML      string    `json:"html"`
	Ref       string    `json:"ref"`
	CreatedAt time.Time `json:"created_at"`
}

// ChannelConfig is the provider an admin chose for one kind of channel.
type ChannelConfig struct {
	Kind      string    `json:"kind"`
	Provider  string    `json:"provider"`
	Config    []byte    `json:"-"` // provider JSON with secrets sealed
	RateLimit int       `json:"rate_limit"`
	UpdatedBy *int64    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}
