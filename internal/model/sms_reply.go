package model

import "time"

// SMSReply is one SMS a customer sent back (上行).
type SMSReply struct {
	ID       int64  `json:"id"`
	Provider string `json:"provider"`
	// Ref names the reply at its provider (Aliyun sequence_id, Twilio
	// MessageSid…); a push repeated with the same ref is the same reply.
	Ref        string    `json:"ref"`
	From       string    `json:"from"` // E.164 when it could be read as a number
	Text       string    `json:"text"`
	SentAt     time.Time `json:"sent_at"`
	ReceivedAt time.Time `json:"received_at"`
	// OptOut is set when the text is an opt-out keyword (退订, R…).
	OptOut bool `json:"opt_out"`
}

// ReplyMatch is a contact a reply came from.
type ReplyMatch struct {
	ContactID    int64
	ContactName  string
	CustomerID   int64
	CustomerName string
	RepID        *int64 // the customer's exclusive rep
	RecordID     int64  // the inbound record written
	OptedOut     bool   // the reply turned the contact's SMS opt-out on
}
